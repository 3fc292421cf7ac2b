"""The ``hub`` command line in-process, with a plugin loaded, on a fresh SQLite database."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from typer.testing import CliRunner, Result

from hub.app import load_settings
from hub.cli import build_cli
from hub.command_context import CommandContext
from hub.database import apply_migrations
from hub.testing.client import plugin_manager_for, settings_in

T = TypeVar("T")


class HubCLI:
    """``hub`` with chosen plugins: ``hub_cli(...).invoke("greetings", "report")``."""

    def __init__(self, plugins: Sequence[object | str], folder: Path, **settings: Any) -> None:
        self.plugin_manager = plugin_manager_for(plugins)
        self.settings = load_settings(self.plugin_manager, settings_in(folder, **settings))
        self.app = build_cli(self.settings, self.plugin_manager)
        # Wide enough that tables are not folded into the test's expected lines.
        self.runner = CliRunner(env={"COLUMNS": "200"})
        self.context = CommandContext(self.settings, self.plugin_manager)

    def invoke(self, *args: str, input: str | None = None) -> Result:
        """Run ``hub ARGS``: the result has ``exit_code``, ``stdout``, ``stderr``, ``output``."""
        return self.runner.invoke(self.app, list(args), input=input)

    def run_in_database(self, work: Callable[[], Awaitable[T]]) -> T:
        """Run ``async def work()`` on the same database, to set up or check what a command did."""
        return self.context.run_in_database(work)


def hub_cli(
    plugins: Sequence[object | str], folder: Path, *, migrate: bool = True, **settings: Any
) -> HubCLI:
    """``hub`` with ``plugins`` (modules, objects or entry-point names) on a SQLite database
    in ``folder`` (or the empty one ``database_url=`` names), migrated unless
    ``migrate=False``. For synchronous tests: each command runs its own event loop, as it does
    from a shell."""
    cli = HubCLI(plugins, folder, **settings)
    if migrate:
        asyncio.run(apply_migrations(cli.plugin_manager, cli.settings))
    return cli
