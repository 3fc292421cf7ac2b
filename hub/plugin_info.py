"""What a plugin says about itself, and whether this hub can load it.

A plugin declares, through the ``plugin_metadata`` hook, the hub versions it supports and the
plugins it needs. Its description, homepage and version come from the distribution that
installed it (``importlib.metadata``), and when it declares no hub versions, the hub-core range
its distribution requires is used: what pip checked at install time is checked again at every
start, because the hub may have been upgraded since.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

DISTRIBUTION = "hub-core"


@dataclass(frozen=True)
class PluginMetadata:
    """Returned by a plugin's ``plugin_metadata`` hook.

    ``hub`` is a version specifier (``">=0.1,<0.2"``) the hub-core version must match;
    ``requires`` names the plugins (entry-point names) that must be loaded with this one.
    ``description`` and ``homepage`` override the distribution's ``Summary`` and ``Home-page``.
    A plugin's routes live under ``/<name>`` (``/sections_map`` or ``/sections-map``) and its
    settings are named ``HUB_<NAME>_...``; ``route_prefixes`` and ``shared_settings`` declare
    the exceptions (``("/oembed",)``, ``("HUB_REDIS_URL",)``), so that they are deliberate.
    ``accepts_uploads``: the plugin's mutations take Strawberry's ``Upload`` scalar, so
    ``/graphql`` accepts GraphQL multipart requests (off unless a loaded plugin asks for it).
    """

    hub: str | None = None
    requires: tuple[str, ...] = ()
    description: str | None = None
    homepage: str | None = None
    route_prefixes: tuple[str, ...] = ()
    shared_settings: tuple[str, ...] = ()
    accepts_uploads: bool = False


@dataclass(frozen=True)
class PluginInfo:
    """One plugin as ``hub plugins`` shows it."""

    name: str
    version: str | None
    module: str
    hooks: tuple[str, ...]
    is_default: bool
    description: str | None = None
    homepage: str | None = None
    hub_versions: str | None = None
    requires: tuple[str, ...] = ()
    distribution: str | None = None
    disabled: bool = False


def hub_version() -> str:
    """The installed hub-core version ("0+unknown" when run from a source tree never installed)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0+unknown"


def metadata_field(dist: metadata.Distribution, key: str) -> str | None:
    """One field of a distribution's metadata (``Name``, ``Summary``...), None when absent."""
    values = dist.metadata.get_all(key)
    return str(values[0]) if values else None


def distribution_details(dist: metadata.Distribution | None) -> dict[str, str | None]:
    """Description, homepage, version and hub-core range of an installed distribution."""
    if dist is None:
        return {}
    homepage = metadata_field(dist, "Home-page")
    for entry in dist.metadata.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() in {"homepage", "home", "source", "repository"} and not homepage:
            homepage = url.strip()
    hub_range = None
    for requirement in dist.requires or []:
        try:
            parsed = Requirement(requirement)
        except InvalidRequirement:
            continue
        if parsed.name.lower().replace("_", "-") == DISTRIBUTION and not parsed.marker:
            hub_range = str(parsed.specifier) or None
    return {
        "distribution": metadata_field(dist, "Name"),
        "version": dist.version,
        "description": metadata_field(dist, "Summary"),
        "homepage": homepage,
        "hub_versions": hub_range,
    }


def compatibility_problem(name: str, hub_versions: str | None, version: str) -> str | None:
    """Why the plugin ``name`` cannot run on hub-core ``version``, or None when it can."""
    if not hub_versions:
        return None
    try:
        specifier = SpecifierSet(hub_versions)
    except InvalidSpecifier:
        return f"Plugin {name!r} declares the hub versions {hub_versions!r}, not a version range."
    try:
        current = Version(version)
    except InvalidVersion:
        return None
    if specifier.contains(current, prereleases=True):
        return None
    return (
        f"Plugin {name!r} supports hub-core {hub_versions}, but this is hub-core {version}: "
        f"install a release of the plugin made for it, or disable it (HUB_PLUGINS_DISABLED)."
    )
