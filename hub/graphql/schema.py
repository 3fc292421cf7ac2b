"""Build the GraphQL schema from whatever plugins are loaded.

Every extensible type is a body registered by one plugin plus the field mixins other plugins
register for its name; they are composed into one class here, before any root type is built,
and published in ``hub.graphql.composed`` for lazy references. Collisions are found here and
reported naming both plugins, instead of surfacing later from deep inside Strawberry.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import pluggy
import strawberry
from graphql import GraphQLError
from strawberry.exceptions import DuplicatedTypeName
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.types.scalar import DEFAULT_SCALAR_REGISTRY
from strawberry.types import ExecutionContext
from strawberry.types.base import StrawberryObjectDefinition, get_object_definition
from strawberry.types.scalar import ScalarDefinition

from hub.errors import PluginError
from hub.graphql import composed
from hub.graphql.attribution import clashing_type, fields_naming, plugins_reaching, reachable
from hub.graphql.compiled import compiled_executor_class
from hub.graphql.context import LoaderFactory
from hub.graphql.field_resolvers import field_resolvers
from hub.graphql.introspection import without_suggestions
from hub.graphql.safety import code_bad_input, log_errors
from hub.plugins import iter_results
from hub.settings import Settings


@dataclass
class Contribution:
    """What one plugin added to the schema, for ``hub plugins`` and error messages."""

    types: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    loaders: list[str] = field(default_factory=list)


@dataclass
class BuiltSchema:
    schema: strawberry.Schema
    loader_factories: Mapping[str, LoaderFactory]
    contributions: Mapping[str, Contribution]


class HubSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_errors(errors)
        code_bad_input(errors)


def _definition(cls: type, plugin: str, hook: str) -> StrawberryObjectDefinition:
    definition = get_object_definition(cls)
    if definition is None:
        what = getattr(cls, "__qualname__", repr(cls))
        raise PluginError(
            f"Plugin {plugin!r} returns {what} from {hook}, which is not a Strawberry type: "
            "decorate it with @strawberry.type."
        )
    return definition


def _graphql_name(cls: type, plugin: str, hook: str) -> str:
    return _definition(cls, plugin, hook).name


def _field_names(cls: type, plugin: str, hook: str) -> list[str]:
    definition = _definition(cls, plugin, hook)
    return [f.graphql_name or strawberry_name(f.python_name) for f in definition.fields]


def strawberry_name(python_name: str) -> str:
    head, *rest = python_name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _claim_fields(
    owners: dict[str, str],
    type_name: str,
    plugin: str,
    cls: type,
    contributions: Mapping[str, Contribution],
    hook: str,
) -> None:
    for name in _field_names(cls, plugin, hook):
        key = f"{type_name}.{name}"
        if key in owners and owners[key] != plugin:
            raise PluginError(
                f"Plugins {owners[key]!r} and {plugin!r} both add the field {key}: "
                "rename one of them."
            )
        if key in owners:
            raise PluginError(f"Plugin {plugin!r} adds the field {key} twice.")
        owners[key] = plugin
        contributions[plugin].fields.append(key)


def _fresh_type(name: str, bases: Sequence[type], description: str | None = None) -> type:
    """A new Strawberry type over ``bases`` with its own copy of every field.

    Strawberry's field extensions (``relay.node()``, for one) rewrite a field object while a
    schema is converted; copying keeps each build independent of the builds before it.
    """
    cls = type(name, tuple(bases), {"__module__": composed.__name__})
    final = strawberry.type(cls, name=name, description=description)
    definition = get_object_definition(final, strict=True)
    definition.fields = [copy.copy(field) for field in definition.fields]
    return final


def _merge_roots(
    name: str,
    parts: Sequence[tuple[str, type]],
    owners: dict[str, str],
    contributions: Mapping[str, Contribution],
    hook: str,
) -> type | None:
    if not parts:
        return None
    for plugin, part in parts:
        _claim_fields(owners, name, plugin, part, contributions, hook)
    return _fresh_type(name, [part for _, part in parts])


def build_schema(pm: pluggy.PluginManager, settings: Settings) -> BuiltSchema:
    """Compose the schema once at start-up; any collision is a :class:`PluginError`."""
    contributions: dict[str, Contribution] = {
        pm.get_name(plugin) or repr(plugin): Contribution() for plugin in pm.get_plugins()
    }
    bodies: dict[str, tuple[str, type]] = {}
    owners: dict[str, str] = {}
    handed_over: dict[str, list[type]] = {}  # every class each plugin registered
    for plugin, registered in iter_results(pm, "register_types", settings=settings):
        for body in registered:
            name = _graphql_name(body, plugin, "register_types")
            handed_over.setdefault(plugin, []).append(body)
            if name in bodies:
                raise PluginError(
                    f"Plugins {bodies[name][0]!r} and {plugin!r} both add the type {name}: "
                    "rename one of them."
                )
            bodies[name] = (plugin, body)
            contributions[plugin].types.append(name)
            for field_name in _field_names(body, plugin, "register_types"):
                owners[f"{name}.{field_name}"] = plugin

    extensions: dict[str, list[tuple[str, type]]] = {}
    for plugin, by_type in iter_results(pm, "register_type_extensions", settings=settings):
        for type_name, mixins in by_type.items():
            if type_name not in bodies:
                known = ", ".join(sorted(bodies)) or "none"
                raise PluginError(
                    f"Plugin {plugin!r} extends the type {type_name!r}, which no loaded plugin "
                    f"registers (known: {known})."
                )
            for mixin in mixins:
                _claim_fields(
                    owners, type_name, plugin, mixin, contributions, "register_type_extensions"
                )
                handed_over.setdefault(plugin, []).append(mixin)
                extensions.setdefault(type_name, []).append((plugin, mixin))

    final_types: dict[str, type] = {}
    for name, (_, body) in bodies.items():
        mixins = [mixin for _, mixin in extensions.get(name, [])]
        definition = get_object_definition(body, strict=True)
        # The body's fields come first in the SDL, then each plugin's, in registration order.
        final = _fresh_type(name, [body, *mixins], definition.description)
        setattr(composed, name, final)
        final_types[name] = final
    field_resolvers(pm, settings, final_types)

    roots: dict[str, type | None] = {}
    for hook, root in (
        ("register_queries", "Query"),
        ("register_mutations", "Mutation"),
        ("register_subscriptions", "Subscription"),
    ):
        parts = [
            (plugin, part)
            for plugin, registered in iter_results(pm, hook, settings=settings)
            for part in registered
        ]
        for plugin, part in parts:
            handed_over.setdefault(plugin, []).append(part)
        roots[root] = _merge_roots(root, parts, owners, contributions, hook)
    if roots["Query"] is None:
        raise PluginError("No plugin adds a Query field: the schema would be empty.")

    loader_factories: dict[str, LoaderFactory] = {}
    loader_owners: dict[str, str] = {}
    for plugin, factories in iter_results(pm, "register_dataloaders", settings=settings):
        for loader_name, factory in factories.items():
            if loader_name in loader_owners:
                raise PluginError(
                    f"Plugins {loader_owners[loader_name]!r} and {plugin!r} both register the "
                    f"DataLoader {loader_name!r}: prefix loader names with the plugin's name."
                )
            loader_owners[loader_name] = plugin
            loader_factories[loader_name] = factory
            contributions[plugin].loaders.append(loader_name)

    type_owners = {name: plugin for name, (plugin, _) in bodies.items()}
    scalar_map = _scalar_map(pm, settings, contributions, type_owners)
    schema_extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        extension
        for _, registered in iter_results(pm, "register_schema_extensions", settings=settings)
        for extension in registered
    ]
    clash = clashing_type(handed_over, exempt=bodies)
    if clash is not None:
        name, plugin, other = clash
        raise PluginError(
            f"Plugins {plugin!r} and {other!r} both define the GraphQL type {name}: each type "
            "name may be defined once; rename one (prefix it with the plugin's name)."
        )
    executor_class: type[StrawberryGraphQLCoreExecutionContext] | None = (
        compiled_executor_class() if settings.compiled_execution else None
    )
    if not settings.introspection:
        executor_class = without_suggestions(
            executor_class or StrawberryGraphQLCoreExecutionContext
        )
    try:
        schema = HubSchema(
            query=roots["Query"],
            mutation=roots["Mutation"],
            subscription=roots["Subscription"],
            types=list(final_types.values()),
            extensions=schema_extensions,
            config=StrawberryConfig(scalar_map=scalar_map),
            execution_context_class=executor_class,
        )
    except DuplicatedTypeName as error:
        raise PluginError(_duplicated(error, handed_over)) from error
    except Exception as error:
        raise PluginError(_unbuildable(error, handed_over)) from error
    return BuiltSchema(schema, loader_factories, contributions)


def _scalar_map(
    pm: pluggy.PluginManager,
    settings: Settings,
    contributions: dict[str, Contribution],
    type_owners: Mapping[str, str],
) -> dict[object, ScalarDefinition]:
    """Every plugin's scalars, each Python type and each GraphQL name given once."""
    built_in = {definition.name for definition in DEFAULT_SCALAR_REGISTRY.values()}
    scalars: dict[object, ScalarDefinition] = {}
    python_owners: dict[object, str] = {}
    name_owners: dict[str, str] = dict(type_owners)
    for plugin, registered in iter_results(pm, "register_scalars", settings=settings):
        for python_type, definition in registered.items():
            if not isinstance(definition, ScalarDefinition):
                raise PluginError(
                    f"Plugin {plugin!r} maps {python_type!r} to {definition!r}: expected "
                    "strawberry.scalar(name=..., serialize=..., parse_value=...)."
                )
            name = definition.name
            if name in built_in:
                raise PluginError(
                    f"Plugin {plugin!r} adds the scalar {name}, the name of a built-in scalar: "
                    "rename it."
                )
            for owners, key, what in (
                (python_owners, python_type, f"a scalar for {python_type!r}"),
                (name_owners, name, f"the type {name}"),
            ):
                owner = owners.get(key)
                if owner == plugin:
                    raise PluginError(f"Plugin {plugin!r} adds {what} twice.")
                if owner is not None:
                    raise PluginError(f"Plugins {owner!r} and {plugin!r} both add {what}.")
                owners[key] = plugin
            scalars[python_type] = definition
            contributions[plugin].types.append(name)
    return scalars


def _duplicated(error: DuplicatedTypeName, registered: Mapping[str, list[type]]) -> str:
    name = str(error).removeprefix("Type ").partition(" ")[0]
    plugins: list[str] = []
    for cls in (error.first_cls, error.second_cls):
        for plugin in plugins_reaching(cls, registered) if cls is not None else ():
            if plugin not in plugins:
                plugins.append(plugin)
    if len(plugins) >= 2:
        who = f"Plugins {plugins[0]!r} and {plugins[1]!r} both define"
    elif plugins:
        who = f"Plugin {plugins[0]!r} defines two different types named"
    else:
        who = "Two different classes define"
    return (
        f"{who} the GraphQL type {name}: each type name may be defined once; rename one "
        "(prefix it with the plugin's name)."
    )


def _unbuildable(error: Exception, registered: Mapping[str, list[type]]) -> str:
    """Name the plugin and field whose annotation is not a GraphQL type, when that is the cause."""
    message = str(error).splitlines()[0] if str(error) else type(error).__name__
    for plugin, classes in registered.items():
        for item in reachable(classes):
            if not isinstance(item, type) or repr(item) not in message:
                continue
            fields = ", ".join(fields_naming(item, classes))
            return (
                f"Plugin {plugin!r} annotates {fields or 'a field'} with {item.__module__}."
                f"{item.__qualname__}, which is not a GraphQL type (a model imported under the "
                "name of its GraphQL type?): annotate it with the @strawberry.type class."
            )
    return f"The GraphQL schema cannot be built: {message}"


def exported_sdl(schema: strawberry.Schema) -> str:
    return schema.as_str().rstrip("\n") + "\n"
