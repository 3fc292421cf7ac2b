"""The Tortoise configuration, composed from every plugin's model apps."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pluggy

from hub.errors import PluginError
from hub.models import ModelApp
from hub.plugins import iter_results
from hub.settings import Settings


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


def tortoise_config(settings: Settings, apps: Sequence[ModelApp]) -> dict[str, Any]:
    url = database_url(settings)
    if url.startswith("sqlite://") and ":memory:" not in url:
        Path(url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)
    return {
        "connections": {"default": url},
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
