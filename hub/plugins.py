"""The plugin manager: hookspecs, the default (core) plugins and plugins from entry points.

Every mistake a plugin can make at registration (a misspelt hook, a hook function without
``@hookimpl``, ``async def`` for a synchronous hook, an unsupported hub version, a missing
required plugin, two distributions with one plugin name) stops start-up with one line naming it.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Collection, Iterable
from importlib import metadata

import pluggy

from hub import hookspecs
from hub.errors import PluginError
from hub.hookcalls import call_each_async, call_plugin, implementations, plugin_calls
from hub.plugin_info import (
    DISTRIBUTION,
    PluginInfo,
    PluginMetadata,
    compatibility_problem,
    distribution_details,
    hub_version,
    metadata_field,
)
from hub.settings import SettingsError

PROJECT_NAME = "hub"
ENTRY_POINT_GROUP = "hub.plugins"

#: Core features, registered exactly like third-party plugins (the way Datasette does it).
DEFAULT_PLUGINS: tuple[str, ...] = (
    "hub.graphql.defaults",
    "hub.content.plugin",
    # Before access control: its middleware answers probes and scrapers ahead of every other.
    "hub.ops.plugin",
    "hub.access.plugin",
)

__all__ = [
    "DEFAULT_PLUGINS",
    "DISTRIBUTION",
    "ENTRY_POINT_GROUP",
    "PluginInfo",
    "call_each_async",
    "describe_plugins",
    "get_plugin_manager",
    "installed_plugins",
    "iter_results",
]

#: Kept for callers of the first API: (plugin name, answer) for each answer, in order.
iter_results = plugin_calls


def installed_plugins() -> dict[str, metadata.EntryPoint]:
    """Every plugin installed in this environment, by entry-point name, sorted by name.

    Two distributions offering one name would make the hub load whichever the installer listed
    first: that stops start-up instead, naming both.
    """
    found: dict[str, metadata.EntryPoint] = {}
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        earlier = found.get(entry_point.name)
        if earlier is not None and _origin(earlier) != _origin(entry_point):
            raise PluginError(
                f"Two distributions install the plugin {entry_point.name!r}: "
                f"{_describe(earlier)} and {_describe(entry_point)}; uninstall one of them."
            )
        found[entry_point.name] = entry_point
    # Sorted by name: the schema's field order, and so the published SDL, must not depend on
    # the order in which the installer happened to record distributions.
    return dict(sorted(found.items()))


def _origin(entry_point: metadata.EntryPoint) -> tuple[str, str]:
    dist = entry_point.dist
    return ((metadata_field(dist, "Name") or "?") if dist else "?", entry_point.value)


def _describe(entry_point: metadata.EntryPoint) -> str:
    dist = entry_point.dist
    name = f"{metadata_field(dist, 'Name')} {dist.version}" if dist else "an unknown distribution"
    return f"{name} ({entry_point.value})"


def get_plugin_manager(
    disabled: Iterable[str] = (),
    extra_plugins: Iterable[object] = (),
    load_entry_points: bool | Iterable[str] = True,
) -> pluggy.PluginManager:
    """A fresh plugin manager: no global state, so tests and apps never share plugins.

    ``extra_plugins`` are registered after the defaults (tests and embedders use it).
    ``load_entry_points`` may name the installed plugins to load, instead of all of them.
    """
    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    # Historic: every plugin, whenever it registers, may publish hookspecs of its own.
    pm.hook.add_hookspecs.call_historic(kwargs={"plugin_manager": pm})
    disabled = set(disabled)
    for name in disabled:
        pm.set_blocked(name)
    for module_name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(module_name), name=module_name)
    if load_entry_points:
        _load_entry_points(pm, disabled, None if load_entry_points is True else load_entry_points)
    known = {*DEFAULT_PLUGINS, *(ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP))}
    for plugin in extra_plugins:
        name = getattr(plugin, "__name__", None) or type(plugin).__name__
        known.add(name)
        if name not in disabled:
            _register(pm, plugin, name)
    _check_disabled_exist(disabled, known)
    _check_implementations(pm)
    _check_compatibility(pm, disabled)
    return pm


def _check_disabled_exist(disabled: set[str], known: set[str]) -> None:
    """A misspelt name would leave the plugin running while its owner thinks it is off."""
    unknown = sorted(disabled - known)
    if unknown:
        raise SettingsError(
            f"HUB_PLUGINS_DISABLED names {', '.join(map(repr, unknown))}, which "
            f"{'is not a plugin' if len(unknown) == 1 else 'are not plugins'}; the plugins are: "
            f"{', '.join(sorted(known))}"
        )


def _load_entry_points(
    pm: pluggy.PluginManager, disabled: set[str], only: Iterable[str] | None = None
) -> None:
    installed = installed_plugins()
    wanted = set(installed) if only is None else set(only)
    missing = sorted(wanted - set(installed))
    if missing:
        raise PluginError(
            f"No installed plugin is named {', '.join(map(repr, missing))}; installed: "
            f"{', '.join(installed) or 'none'} (is the package installed, e.g. pip install -e .?)"
        )
    for name, entry_point in installed.items():
        if name not in wanted or name in disabled or pm.get_plugin(name) is not None:
            continue
        try:
            plugin = entry_point.load()
        except Exception as error:
            raise PluginError(
                f"Plugin {name!r} ({entry_point.value}) could not be imported: "
                f"{type(error).__name__}: {error}"
            ) from error
        _register(pm, plugin, name)


def _register(pm: pluggy.PluginManager, plugin: object, name: str) -> None:
    try:
        pm.register(plugin, name=name)
    except pluggy.PluginValidationError as error:
        raise PluginError(f"Plugin {name!r} is not valid: {_one_line(error)}") from None
    except ValueError as error:  # a name or an object registered twice
        raise PluginError(f"Plugin {name!r} cannot be registered: {error}") from None


def _check_implementations(pm: pluggy.PluginManager) -> None:
    """A misspelt hook name would otherwise be silently ignored: fail loudly instead."""
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as error:
        name = pm.get_name(error.plugin) or repr(error.plugin)
        raise PluginError(f"Plugin {name!r} is not valid: {_one_line(error)}") from None
    hook_names = {name for name in dir(pm.hook) if not name.startswith("_")}
    for plugin in pm.get_plugins():
        name = pm.get_name(plugin) or repr(plugin)
        implemented = {caller.name for caller in pm.get_hookcallers(plugin) or []}
        for hook_name in sorted(hook_names - implemented):
            function = getattr(plugin, hook_name, None)
            if inspect.isfunction(function) or inspect.ismethod(function):
                raise PluginError(
                    f"Plugin {name!r} defines {hook_name}() without @hookimpl, so the hub would "
                    "never call it: decorate it with @hub.hookimpl."
                )
    for hook_name in sorted(hook_names):
        hook = getattr(pm.hook, hook_name)
        if hook.spec is None or _may_be_async(hook.spec.function):
            continue
        for impl in hook.get_hookimpls():
            if inspect.iscoroutinefunction(impl.function):
                raise PluginError(
                    f"Plugin {impl.plugin_name!r} implements {hook_name} with `async def`, but "
                    "the hub calls that hook synchronously: use `def`."
                )


def _may_be_async(spec: object) -> bool:
    return "Awaitable" in str(inspect.signature(spec).return_annotation)  # type: ignore[arg-type]


def _check_compatibility(pm: pluggy.PluginManager, disabled: set[str]) -> None:
    version = hub_version()
    infos = {info.name: info for info in describe_plugins(pm) if not info.disabled}
    for info in infos.values():
        problem = compatibility_problem(info.name, info.hub_versions, version)
        if problem:
            raise PluginError(problem)
        for required in info.requires:
            if required not in infos:
                why = "it is disabled" if required in disabled else "it is not installed"
                raise PluginError(
                    f"Plugin {info.name!r} requires the plugin {required!r}, but {why}."
                )


def _one_line(error: Exception) -> str:
    return "; ".join(line.strip() for line in str(error).splitlines() if line.strip())


def declared_metadata(pm: pluggy.PluginManager) -> dict[str, PluginMetadata]:
    """What each plugin answered to ``plugin_metadata``, by plugin name."""
    declared: dict[str, PluginMetadata] = {}
    for impl in implementations(pm, "plugin_metadata"):
        answer = call_plugin(pm, "plugin_metadata", impl)
        if answer is None:
            continue
        if not isinstance(answer, PluginMetadata):
            raise PluginError(
                f"Plugin {impl.plugin_name!r} answered plugin_metadata with {answer!r}: "
                "return hub.PluginMetadata(...)."
            )
        declared[impl.plugin_name] = answer
    return declared


def owning_plugin(name: str, registered: Collection[str]) -> str:
    """The plugin a registration belongs to: plugins register parts of themselves at start-up
    as ``"<plugin>.<part>"`` (the search engine, the donations runtime), listed as theirs."""
    owner = name.partition(".")[0]
    return owner if owner != name and owner in registered else name


def describe_plugins(pm: pluggy.PluginManager, disabled: Iterable[str] = ()) -> list[PluginInfo]:
    """Every plugin, in a stable order: the core's, then the installed ones by name, then any
    registered by the embedder; plugins named in ``disabled`` and installed are listed too."""
    installed = installed_plugins()
    declared = declared_metadata(pm)
    core_version = hub_version()
    infos = []
    registered = {pm.get_name(plugin) or repr(plugin): plugin for plugin in pm.get_plugins()}
    hooks_of: dict[str, set[str]] = {}
    for name, plugin in registered.items():
        callers = pm.get_hookcallers(plugin) or []
        hooks_of.setdefault(owning_plugin(name, registered), set()).update(c.name for c in callers)
    for name, plugin in registered.items():
        if owning_plugin(name, registered) != name:
            continue
        hooks = tuple(sorted(hooks_of[name]))
        entry_point = installed.get(name)
        is_default = name in DEFAULT_PLUGINS
        details = distribution_details(entry_point.dist if entry_point else None)
        meta = declared.get(name, PluginMetadata())
        infos.append(
            PluginInfo(
                name=name,
                version=core_version if is_default else details.get("version"),
                module=getattr(plugin, "__name__", type(plugin).__module__),
                hooks=hooks,
                is_default=is_default,
                description=meta.description or details.get("description"),
                homepage=meta.homepage or details.get("homepage"),
                hub_versions=meta.hub or details.get("hub_versions"),
                requires=tuple(meta.requires),
                distribution=DISTRIBUTION if is_default else details.get("distribution"),
            )
        )
    for name in sorted(set(disabled) & set(installed)):
        details = distribution_details(installed[name].dist)
        infos.append(
            PluginInfo(
                name=name,
                version=details.get("version"),
                module=installed[name].value,
                hooks=(),
                is_default=False,
                description=details.get("description"),
                homepage=details.get("homepage"),
                hub_versions=details.get("hub_versions"),
                distribution=details.get("distribution"),
                disabled=True,
            )
        )
    order = {name: index for index, name in enumerate(DEFAULT_PLUGINS)}
    ranks = {name: index for index, name in enumerate(installed)}
    return sorted(
        infos,
        key=lambda info: (
            (0, order[info.name]) if info.name in order
            else (1, ranks[info.name]) if info.name in ranks
            else (2, 0)
        ),
    )  # fmt: skip
