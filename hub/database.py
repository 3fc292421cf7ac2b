"""Opening the database outside a server (CLI commands, tests) and applying migrations."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pluggy
from tortoise import Tortoise, connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.context import TortoiseContext
from tortoise.migrations.api import migrate
from tortoise.migrations.autodetector import MigrationAutodetector
from tortoise.migrations.writer import MigrationWriter

from hub.db import config_for
from hub.fanout import publish_deferred
from hub.settings import Settings


@asynccontextmanager
async def open_database(pm: pluggy.PluginManager, settings: Settings) -> AsyncIterator[None]:
    await Tortoise.init(config=config_for(pm, settings), _enable_global_fallback=True)
    try:
        yield
    finally:
        try:
            # What the command committed reaches the running servers now that it is done.
            await publish_deferred(pm)
        finally:
            await Tortoise.close_connections()


async def vacuum_analyze(
    tables: Sequence[str], connection: BaseDBAsyncClient | None = None
) -> str | None:
    """After loading many rows into ``tables`` (an import, the demo, a search index built
    aside): on PostgreSQL, ``VACUUM (ANALYZE)`` them; returns why that failed, or ``None``.

    ANALYZE gives the planner the new row counts and value frequencies. VACUUM marks the pages
    all-visible, without which an index-only scan visits the table for every row: search facets
    read ``hub_post_theme (post_id, theme_id)`` for up to a thousand posts, and over 100,000
    demo posts the statement took 14 ms before and 10 ms after. Autovacuum does both in time,
    when it runs at all (it is off on some servers). VACUUM cannot run in a transaction: call
    this after the one that wrote the rows. SQLite has no visibility map and plans well without
    statistics: nothing to do there.

    The rows are written by then, so a failure is returned as a warning to show, not raised.
    PostgreSQL only warns, and skips the table, when the user does not own it.
    """
    connection = connection or connections.get("default")
    if connection.capabilities.dialect != "postgres":
        return None
    statement = "VACUUM (ANALYZE) " + ", ".join(f'"{table}"' for table in tables)
    try:
        await connection.execute_script(statement)
    except Exception as error:  # whatever the driver raises: the rows are written already
        return f"the data is written, but `{statement}` failed ({error}): run it yourself."
    return None


async def apply_migrations(
    pm: pluggy.PluginManager,
    settings: Settings,
    progress: Callable[[str, str, str], Any] | None = None,
) -> None:
    """Apply every pending migration of the core and of each plugin's model app."""
    try:
        await migrate(config=config_for(pm, settings), progress=progress)
    finally:
        await Tortoise.close_connections()


async def pending_model_changes(
    pm: pluggy.PluginManager, settings: Settings, app_labels: Sequence[str] = ()
) -> list[MigrationWriter]:
    """Migrations the models need beyond the ones written (empty when they are in sync)."""
    config = config_for(pm, settings)
    apps = config["apps"]
    unknown = set(app_labels) - set(config["apps"])
    if unknown:
        raise ValueError(
            f"unknown app label(s) {', '.join(sorted(unknown))}; known: {', '.join(config['apps'])}"
        )
    for app in apps.values():
        _ensure_package(app["migrations"])
    # Every app is loaded (a plugin's models point at the core's), only the chosen ones written.
    async with TortoiseContext() as context:
        await context.init(config=config)
        assert context.apps is not None
        writers: list[MigrationWriter] = await MigrationAutodetector(context.apps, apps).changes()
    return [writer for writer in writers if not app_labels or writer.app_label in app_labels]


def _ensure_package(module: str) -> None:
    """Create the migrations package beside its parent package if it does not exist yet."""
    if importlib.util.find_spec(module.rpartition(".")[0] or module) is None:
        raise ValueError(f"cannot find the package that should hold {module}")
    try:
        importlib.import_module(module)
    except ModuleNotFoundError:
        parent = importlib.import_module(module.rpartition(".")[0])
        folder = Path(next(iter(parent.__path__))) / module.rpartition(".")[2]
        folder.mkdir(exist_ok=True)
        (folder / "__init__.py").touch()
        importlib.invalidate_caches()
