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
from tortoise.migrations.executor import MigrationExecutor
from tortoise.migrations.graph import MigrationKey
from tortoise.migrations.loader import MigrationLoader
from tortoise.migrations.recorder import MigrationRecorder
from tortoise.migrations.writer import MigrationWriter

from hub.db import config_for, model_apps
from hub.errors import PluginError
from hub.failures import DatabaseUnavailable
from hub.fanout import publish_deferred
from hub.models import ModelApp
from hub.settings import Settings


@asynccontextmanager
async def open_database(pm: pluggy.PluginManager, settings: Settings) -> AsyncIterator[None]:
    """Open the database for a command; one that cannot be opened is a :class:`CommandError`."""
    await Tortoise.init(config=config_for(pm, settings), _enable_global_fallback=True)
    try:
        await check_connection(settings)
        yield
    finally:
        try:
            # What the command committed reaches the running servers now that it is done.
            await publish_deferred(pm)
        finally:
            await Tortoise.close_connections()


async def check_database(pm: pluggy.PluginManager, settings: Settings) -> None:
    """Open the database and close it again: :class:`DatabaseUnavailable` if it cannot be."""
    async with open_database(pm, settings):
        pass


async def check_connection(settings: Settings) -> None:
    """Connect now, so a wrong URL, a missing database or an unreachable server is one clear
    error before any work starts (Tortoise connects lazily, at the first statement)."""
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception as error:  # whatever the driver raises while connecting
        raise DatabaseUnavailable.from_error(settings.database_url, error) from error


async def pending_migrations(pm: pluggy.PluginManager, settings: Settings) -> list[str]:
    """``app.migration`` names not yet applied to the open database."""
    executor = MigrationExecutor(connections.get("default"), config_for(pm, settings)["apps"])
    steps = await executor.plan()
    return [f"{step.migration.app_label}.{step.migration.name}" for step in steps]


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
    """Apply every pending migration of the core and of each plugin's model app.

    A migration that cannot be loaded (broken syntax, a dependency on one that does not exist)
    or fails to apply is a :class:`PluginError` naming the plugin and the migration.
    """
    running: list[tuple[str, str]] = []

    def track(event: str, app_label: str, name: str) -> None:
        if event.endswith("_start"):
            running.append((app_label, name))
        elif event.endswith("_done") and running:
            running.pop()
        if progress is not None:
            progress(event, app_label, name)

    apps = model_apps(pm, settings)
    await check_database(pm, settings)  # the migration runner's own errors are tracebacks
    try:
        await migrate(config=config_for(pm, settings), progress=track)
    except Exception as error:
        raise PluginError(_migration_problem(error, apps, running)) from error
    finally:
        await Tortoise.close_connections()


def _migration_problem(
    error: Exception, apps: Sequence[tuple[str, ModelApp]], running: Sequence[tuple[str, str]]
) -> str:
    cause = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    if running:
        label, name = running[-1]
        plugin = next((plugin for plugin, app in apps if app.label == label), "?")
        return f"Plugin {plugin!r}: migration {label}.{name} failed: {cause}"
    frames = []
    traceback = error.__traceback__
    while traceback is not None:
        frames.append(str(traceback.tb_frame.f_globals.get("__name__", "")))
        traceback = traceback.tb_next
    filename = str(getattr(error, "filename", "") or "")
    for plugin, app in apps:
        module = app.migrations_module
        spec = importlib.util.find_spec(module) if _importable_parent(module) else None
        folders = list(spec.submodule_search_locations or []) if spec else []
        if (
            any(frame.startswith(module + ".") for frame in frames)
            or any(filename.startswith(folder) for folder in folders)
            or f"{app.label}." in str(error)
            or f"('{app.label}'" in str(error)
        ):
            return f"Plugin {plugin!r}: the migrations in {module} cannot be loaded: {cause}"
    return f"The migrations cannot be applied: {cause}"


def _importable_parent(module: str) -> bool:
    try:
        return importlib.util.find_spec(module.rpartition(".")[0] or module) is not None
    except ImportError:
        return False


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


def written_migrations(config: dict[str, Any]) -> list[MigrationKey]:
    """Every migration of every app, as written on disk (read with Tortoise's own loader)."""
    written: list[MigrationKey] = []
    for label, app in config["apps"].items():
        # One app at a time: an app without a migrations package has nothing to record.
        if not app.get("migrations") or importlib.util.find_spec(app["migrations"]) is None:
            continue
        loader = MigrationLoader({label: app}, MigrationRecorder(connection=None))
        loader.load_disk()
        written.extend(sorted(loader.disk_migrations))
    return written


async def unrecorded_migrations(
    connection: BaseDBAsyncClient, written: Sequence[MigrationKey]
) -> list[MigrationKey]:
    """Those of ``written`` that Tortoise's migration table does not record as applied.

    The table missing altogether (a database never migrated) counts as nothing applied.
    """
    applied = set(await MigrationRecorder(connection).applied_migrations())
    return [key for key in written if key not in applied]
