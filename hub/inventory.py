"""What each loaded plugin adds, for ``hub plugins`` and for plugin authors checking their work."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import pluggy
import typer
from starlette.routing import BaseRoute

from hub.db import model_apps
from hub.graphql.schema import build_schema
from hub.plugins import describe_plugins, iter_results
from hub.settings import Settings


@dataclass
class PluginInventory:
    name: str
    version: str | None
    hooks: list[str]
    models: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    loaders: list[str] = field(default_factory=list)
    routes: list[str] = field(default_factory=list)
    middleware: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    settings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _route_path(route: BaseRoute) -> str:
    return str(getattr(route, "path", repr(route)))


def _commands_of(function: Any, argnames: tuple[str, ...]) -> list[str]:
    probe = typer.Typer()
    function(*[probe for _ in argnames])
    names = [command.name or command.callback.__name__ for command in probe.registered_commands]  # type: ignore[union-attr]
    names += [group.name or "?" for group in probe.registered_groups]
    return sorted(names)


def plugin_inventory(pm: pluggy.PluginManager, settings: Settings) -> list[PluginInventory]:
    built = build_schema(pm, settings)
    inventory = {
        info.name: PluginInventory(info.name, info.version, list(info.hooks))
        for info in describe_plugins(pm)
    }
    for plugin, app in model_apps(pm, settings):
        inventory[plugin].models.extend(f"{app.label}: {module}" for module in app.modules)
    for plugin, contribution in built.contributions.items():
        inventory[plugin].types.extend(contribution.types)
        inventory[plugin].fields.extend(contribution.fields)
        inventory[plugin].loaders.extend(contribution.loaders)
    for plugin, routes in iter_results(pm, "register_routes", settings=settings):
        inventory[plugin].routes.extend(_route_path(route) for route in routes)
    for plugin, middleware in iter_results(pm, "register_middleware", settings=settings):
        inventory[plugin].middleware.extend(
            getattr(item.cls, "__name__", repr(item.cls)) for item in middleware
        )
    for plugin, declared in iter_results(pm, "register_settings"):
        inventory[plugin].settings.extend(setting.name for setting in declared)
    for impl in pm.hook.register_commands.get_hookimpls():
        inventory[impl.plugin_name].commands.extend(_commands_of(impl.function, impl.argnames))
    return list(inventory.values())
