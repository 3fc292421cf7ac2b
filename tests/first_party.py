"""The first-party plugins: every package under plugins/, found by its own entry point."""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def first_party_plugins() -> list[object]:
    plugins = []
    for pyproject in sorted(ROOT.glob("plugins/*/pyproject.toml")):
        project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
        for target in project.get("entry-points", {}).get("hub.plugins", {}).values():
            plugins.append(importlib.import_module(target))
    return plugins
