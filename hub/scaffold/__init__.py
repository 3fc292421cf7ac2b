"""``hub plugin new NAME``: write an installable plugin package to start from."""

from __future__ import annotations

import importlib.util
import re
from importlib import resources
from pathlib import Path
from string import Template

from packaging.version import InvalidVersion, Version

from hub.errors import CommandError
from hub.plugin_info import hub_version
from hub.plugins import installed_plugins

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class ScaffoldError(CommandError):
    pass


def supported_hub_range(version: str) -> str:
    """The hub-core releases a plugin written against ``version`` supports: its minor series."""
    try:
        release = Version(version).release
    except InvalidVersion:
        return ""
    major, minor = (*release, 0, 0)[:2]
    if major == 0:
        return f">={major}.{minor},<{major}.{minor + 1}"
    return f">={major}.{minor},<{major + 1}"


def plugin_names(name: str) -> dict[str, str]:
    if not NAME_PATTERN.fullmatch(name):
        raise ScaffoldError(
            f"{name!r} is not a plugin name: use 2-40 lowercase letters, digits or underscores, "
            "starting with a letter (it becomes the entry point and table prefix)."
        )
    if name in installed_plugins() or importlib.util.find_spec(f"hub_{name}") is not None:
        raise ScaffoldError(
            f"A plugin named {name!r} (package hub_{name}) is installed already: "
            "choose another name, or the two would replace each other's tables and modules."
        )
    words = name.split("_")
    return {
        "name": name,
        "package": f"hub_{name}",
        "model": "".join(word.capitalize() for word in words) + "Item",
        "field": words[0] + "".join(word.capitalize() for word in words[1:]) + "Text",
        "upper": name.upper(),
        "title": " ".join(words).capitalize(),
        "hub_range": supported_hub_range(hub_version()),
    }


def write_plugin(name: str, parent: Path) -> Path:
    """Write ``parent/hub-NAME`` and return it; never overwrites an existing folder."""
    names = plugin_names(name)
    target = parent / f"hub-{name}"
    if target.exists():
        raise ScaffoldError(f"{target} already exists: choose another name or folder")
    template_root = Path(str(resources.files("hub.scaffold") / "template"))
    for source in sorted(template_root.rglob("*.tmpl")):
        relative = source.relative_to(template_root)
        parts = [names["package"] if part == "package" else part for part in relative.parts]
        destination = target.joinpath(*parts).with_suffix("")  # drop ".tmpl"
        destination.parent.mkdir(parents=True, exist_ok=True)
        text = Template(source.read_text(encoding="utf-8")).substitute(names)
        destination.write_text(text, encoding="utf-8")
    return target
