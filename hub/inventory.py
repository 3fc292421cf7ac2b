"""What each plugin adds, for ``hub plugins`` and for plugin authors checking their work."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pluggy
import typer
from graphql import (
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_specified_scalar_type,
)
from graphql import build_schema as parse_sdl
from starlette.routing import BaseRoute

from hub.db import model_apps
from hub.graphql.schema import build_schema
from hub.hookcalls import implementations
from hub.plugins import describe_plugins, iter_results, owning_plugin
from hub.settings import Settings


@dataclass
class PluginInventory:
    name: str
    version: str | None
    hooks: list[str]
    description: str | None = None
    homepage: str | None = None
    hub_versions: str | None = None
    requires: list[str] = field(default_factory=list)
    disabled: bool = False
    models: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    loaders: list[str] = field(default_factory=list)
    routes: list[str] = field(default_factory=list)
    middleware: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    settings: list[str] = field(default_factory=list)
    #: Each setting as "NAME (type, default ...): help".
    setting_details: list[str] = field(default_factory=list)
    scopes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _route_path(route: BaseRoute) -> str:
    return str(getattr(route, "path", repr(route)))


def _commands_of(function: Any, argnames: tuple[str, ...]) -> list[str]:
    probe = typer.Typer()
    function(*[probe if name == "cli" else None for name in argnames])
    names = [command.name or command.callback.__name__ for command in probe.registered_commands]  # type: ignore[union-attr]
    names += [group.name or "?" for group in probe.registered_groups]
    return sorted(names)


def _types_reached(
    schema: GraphQLSchema, fields: Iterable[str], field_owners: Mapping[str, str], plugin: str
) -> list[str]:
    """The types ``plugin``'s fields reach (inputs, payloads, connections, enums...), following
    only fields no other plugin claims."""
    found: list[str] = []
    stack: list[GraphQLNamedType] = []

    def reach(type_: Any) -> None:
        named = get_named_type(type_)
        if named is not None and named.name not in found and not named.name.startswith("__"):
            found.append(named.name)
            stack.append(named)

    for key in fields:
        type_name, _, field_name = key.partition(".")
        owner_type = schema.get_type(type_name)
        if isinstance(owner_type, (GraphQLObjectType, GraphQLInterfaceType)):
            graphql_field = owner_type.fields.get(field_name)
            if graphql_field is not None:
                reach(graphql_field.type)
                for argument in graphql_field.args.values():
                    reach(argument.type)
    while stack:
        named = stack.pop()
        if isinstance(named, GraphQLUnionType):
            for member in named.types:
                reach(member)
        if isinstance(named, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)):
            for field_name, graphql_field in named.fields.items():
                if field_owners.get(f"{named.name}.{field_name}", plugin) != plugin:
                    continue
                reach(graphql_field.type)
                for argument in getattr(graphql_field, "args", {}).values():
                    reach(argument.type)
    return found


def _scopes(pm: pluggy.PluginManager) -> dict[str, list[str]]:
    if not hasattr(pm.hook, "register_scopes"):
        return {}
    scopes: dict[str, list[str]] = {}
    for plugin, declared in iter_results(pm, "register_scopes"):
        scopes.setdefault(plugin, []).extend(
            f"{scope.name}: {scope.description}" for scope in declared
        )
    return scopes


def plugin_inventory(
    pm: pluggy.PluginManager, settings: Settings, disabled: Iterable[str] = ()
) -> list[PluginInventory]:
    """Every plugin and what it adds, in a stable order (core first, then by name); installed
    plugins that are disabled are listed, marked, with nothing added."""
    built = build_schema(pm, settings)
    inventory = {
        info.name: PluginInventory(
            info.name,
            info.version,
            list(info.hooks),
            description=info.description,
            homepage=info.homepage,
            hub_versions=info.hub_versions,
            requires=list(info.requires),
            disabled=info.disabled,
        )
        for info in describe_plugins(pm, disabled)
    }
    names = [pm.get_name(plugin) or repr(plugin) for plugin in pm.get_plugins()]

    def listed(plugin: str) -> PluginInventory:
        return inventory[owning_plugin(plugin, names)]

    for plugin, app in model_apps(pm, settings):
        listed(plugin).models.extend(f"{app.label}: {module}" for module in app.modules)
    schema = parse_sdl(built.schema.as_str())
    field_owners = {
        key: plugin
        for plugin, contribution in built.contributions.items()
        for key in contribution.fields
    }
    claimed = {name for contribution in built.contributions.values() for name in contribution.types}
    for plugin in inventory:  # core first: the types its fields reach are the core's
        contribution = built.contributions.get(plugin)
        if contribution is None:
            continue
        listed(plugin).fields.extend(contribution.fields)
        listed(plugin).loaders.extend(contribution.loaders)
        reached = [
            name
            for name in _types_reached(schema, contribution.fields, field_owners, plugin)
            if name not in claimed and not is_specified_scalar_type(schema.get_type(name))  # type: ignore[arg-type]
        ]
        claimed.update(reached)
        listed(plugin).types.extend([*contribution.types, *reached])
    for plugin, routes in iter_results(pm, "register_routes", settings=settings):
        listed(plugin).routes.extend(_route_path(route) for route in routes)
    for plugin, middleware in iter_results(pm, "register_middleware", settings=settings):
        listed(plugin).middleware.extend(
            getattr(item.cls, "__name__", repr(item.cls)) for item in middleware
        )
    for plugin, declared in iter_results(pm, "register_settings"):
        listed(plugin).settings.extend(setting.name for setting in declared)
        listed(plugin).setting_details.extend(
            f"{setting.name} ({setting.type.__name__}, default {setting.default!r}): {setting.help}"
            for setting in declared
        )
    for plugin, scopes in _scopes(pm).items():
        listed(plugin).scopes.extend(scopes)
    for impl in implementations(pm, "register_commands"):
        listed(impl.plugin_name).commands.extend(_commands_of(impl.function, impl.argnames))
    return list(inventory.values())
