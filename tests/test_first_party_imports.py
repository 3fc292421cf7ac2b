"""Every first-party plugin is written as a third party's would be, and a scan of its imports
says so: it imports the public ``hub`` package only (never ``hub.<module>``), and never another
plugin's package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.first_party import ROOT

PACKAGES = sorted(
    path
    for path in ROOT.glob("plugins/*/hub_*")
    if path.is_dir() and (path / "__init__.py").exists()
)


def imported_modules(source: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_every_first_party_plugin_is_scanned() -> None:
    assert {path.name for path in PACKAGES} >= {
        "hub_delivery", "hub_donations", "hub_events", "hub_search", "hub_sections_map",
    }  # fmt: skip


@pytest.mark.parametrize("package", PACKAGES, ids=[path.name for path in PACKAGES])
def test_a_first_party_plugin_imports_only_the_public_hub_api(package: Path) -> None:
    others = {path.name for path in PACKAGES} - {package.name}
    offending = [
        f"{source.relative_to(ROOT)}: {name}"
        for source in sorted(package.rglob("*.py"))
        for name in imported_modules(source)
        if name.startswith("hub.") or name.split(".")[0] in others
    ]
    assert offending == []
