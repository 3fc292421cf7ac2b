"""The Tortoise configuration, composed from every plugin's model apps."""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pluggy
from tortoise.backends.base.config_generator import expand_db_url

from hub.errors import PluginError
from hub.models import ModelApp
from hub.plugins import iter_results
from hub.settings import Settings, SettingsError
from hub.sqlite import ENGINE as SQLITE_ENGINE


def model_apps(pm: pluggy.PluginManager, settings: Settings) -> list[tuple[str, ModelApp]]:
    apps: list[tuple[str, ModelApp]] = []
    owners: dict[str, str] = {}
    for plugin, declared in iter_results(pm, "register_models", settings=settings):
        for app in declared:
            if app.label in owners:
                raise PluginError(
                    f"Plugins {owners[app.label]!r} and {plugin!r} both declare the model app "
                    f"{app.label!r}: each plugin needs its own app label."
                )
            owners[app.label] = plugin
            for module in app.modules:
                _check_importable(plugin, module)
            apps.append((plugin, app))
    return apps


def _check_importable(plugin: str, module: str) -> None:
    try:
        importlib.import_module(module)
    except Exception as error:
        raise PluginError(
            f"Plugin {plugin!r} declares the models module {module!r}, which cannot be "
            f"imported: {type(error).__name__}: {error}"
        ) from None


def database_url(settings: Settings) -> str:
    url = settings.database_url
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    return url


def connection_config(settings: Settings) -> str | dict[str, Any]:
    """The ``default`` connection: the URL, or for SQLite the hub's engine and its pragmas."""
    url = database_url(settings)
    if not url.startswith("sqlite://"):
        return url
    if ":memory:" not in url:
        ensure_sqlite_folder(settings, Path(url.removeprefix("sqlite://")).parent)
    credentials = expand_db_url(url)["credentials"]
    credentials.setdefault("journal_mode", "WAL")
    credentials.setdefault("foreign_keys", "ON")
    credentials["busy_timeout"] = round(settings.sqlite_busy_timeout * 1000)
    return {"engine": SQLITE_ENGINE, "credentials": credentials}


def ensure_sqlite_folder(settings: Settings, folder: Path) -> None:
    """Create the SQLite database's folder, or stop naming the setting to change.

    SQLite writes its -wal and -shm files beside the database, so the folder must be writable,
    not only the file.
    """
    variable = "HUB_DATA_DIR" if folder == settings.data_dir else "HUB_DATABASE_URL"
    fix = f"point {variable} at a folder this user can write to"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or str(error)
        raise SettingsError(
            f"{variable}: cannot use {folder} as a folder ({reason}); {fix}"
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SettingsError(f"{variable}: the folder {folder} is not writable; {fix}")


def tortoise_config(settings: Settings, apps: Sequence[ModelApp]) -> dict[str, Any]:
    return {
        "connections": {"default": connection_config(settings)},
        "apps": {
            app.label: {
                "models": list(app.modules),
                "default_connection": "default",
                "migrations": app.migrations_module,
            }
            for app in apps
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def config_for(pm: pluggy.PluginManager, settings: Settings) -> dict[str, Any]:
    return tortoise_config(settings, [app for _, app in model_apps(pm, settings)])
