"""``hub plugin new NAME``: write an installable plugin package to start from."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from string import Template

from hub.errors import CommandError

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class ScaffoldError(CommandError):
    pass


def plugin_names(name: str) -> dict[str, str]:
    if not NAME_PATTERN.fullmatch(name):
        raise ScaffoldError(
            f"{name!r} is not a plugin name: use 2-40 lowercase letters, digits or underscores, "
            "starting with a letter (it becomes the entry point and table prefix)."
        )
    words = name.split("_")
    return {
        "name": name,
        "package": f"hub_{name}",
        "model": "".join(word.capitalize() for word in words) + "Item",
        "field": words[0] + "".join(word.capitalize() for word in words[1:]) + "Text",
        "upper": name.upper(),
        "title": " ".join(words).capitalize(),
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
