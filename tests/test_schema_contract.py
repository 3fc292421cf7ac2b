"""schema/hub.graphql is the published contract: it changes on purpose, never by accident."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hub.graphql.schema import build_schema, exported_sdl
from hub.plugins import get_plugin_manager, installed_plugins
from hub.settings import Settings
from tests.first_party import ROOT, first_party_plugins

CONTRACT = ROOT / "schema" / "hub.graphql"
HOW_TO_UPDATE = (
    "The schema differs from schema/hub.graphql. If the change is intended, run "
    "`make schema` (hub schema export --output schema/hub.graphql) and commit the new contract."
)


def current_sdl() -> str:
    pm = get_plugin_manager(extra_plugins=first_party_plugins(), load_entry_points=False)
    return exported_sdl(build_schema(pm, Settings()).schema)


def test_published_contract_matches_the_code() -> None:
    assert CONTRACT.read_text(encoding="utf-8") == current_sdl(), HOW_TO_UPDATE


def test_schema_export_command_writes_the_contract(tmp_path: Path) -> None:
    output = tmp_path / "exported.graphql"
    # The contract covers the first-party plugins: one a developer installed beside them
    # (a plugin of their own, under development) is not part of it.
    packages = {plugin.__name__.partition(".")[0] for plugin in first_party_plugins()}  # type: ignore[attr-defined]
    first_party = {
        name
        for name, entry_point in installed_plugins().items()
        if entry_point.module.partition(".")[0] in packages
    }
    others = sorted(set(installed_plugins()) - first_party)
    env = {**os.environ, "HUB_PLUGINS_DISABLED": ",".join(others)}
    result = subprocess.run(
        [sys.executable, "-m", "hub", "schema", "export", "--output", str(output)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert output.read_text(encoding="utf-8") == current_sdl()


def test_contract_names_the_core_api() -> None:
    sdl = CONTRACT.read_text(encoding="utf-8")
    for line in (
        "interface Node {",
        "type PostConnection {",
        "type PageInfo {",
        "input PostFilter {",
        "node(",
        "nodes(",
    ):
        assert line in sdl
