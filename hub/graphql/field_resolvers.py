"""Fields another plugin declares, answered by a plugin (``register_field_resolvers``).

A plugin cannot add a field under a name the type has already (that is a collision); it may
instead supply the *value* of a stored field, keeping its name, type, description and
deprecation, so the published schema stays as it was. The media plugin answers the core's
deprecated ``Person.photoUrl`` with the library photo's URL this way.

The resolver is put in place once, while the schema is built. It is called as
``resolve(root, info, stored)``, ``stored`` being what the field answers without it, and may
return a value or an awaitable (load through a DataLoader, so a list costs one statement). A
field has at most one answering plugin: a second one is a start-up error naming both, so the
schema never depends on the order plugins were registered in.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import pluggy
from strawberry.types.base import get_object_definition
from strawberry.types.field import StrawberryField
from strawberry.types.fields.resolver import StrawberryResolver

from hub.errors import PluginError
from hub.graphql.context import Info
from hub.hookcalls import plugin_calls
from hub.settings import Settings

FieldResolver = Callable[[Any, Info, Any], Awaitable[Any] | Any]
"""``resolve(root, info, stored)``: the field's value for ``root``, or an awaitable of it."""


def _graphql_name(field: StrawberryField) -> str:
    head, *rest = field.python_name.split("_")
    return field.graphql_name or head + "".join(part.capitalize() for part in rest)


def _answering(field: StrawberryField, resolve: FieldResolver) -> StrawberryResolver[Any]:
    read_stored = field.default_resolver
    stored_name = field.python_name

    async def answer(root: Any, info: Info) -> Any:
        value = resolve(root, info, read_stored(root, stored_name))
        return await value if inspect.isawaitable(value) else value

    answer.__qualname__ = getattr(resolve, "__qualname__", answer.__qualname__)
    return StrawberryResolver(answer)


def field_resolvers(
    pm: pluggy.PluginManager, settings: Settings, types: Mapping[str, type]
) -> dict[str, str]:
    """Put every plugin's field resolver in place on the composed ``types``, by name.

    Returns ``{"Person.photoUrl": plugin}``. A type or field that does not exist, a field with
    a resolver or arguments of its own, or two plugins answering one field is a
    :class:`PluginError`.
    """
    claimed: dict[str, str] = {}
    for plugin, by_type in plugin_calls(pm, "register_field_resolvers", settings=settings):
        if not isinstance(by_type, Mapping):
            raise PluginError(
                f"Plugin {plugin!r}: register_field_resolvers must return a dict such as "
                '{"Person": {"photoUrl": resolve}}.'
            )
        for type_name, resolvers in by_type.items():
            composed = types.get(type_name)
            if composed is None:
                known = ", ".join(sorted(types)) or "none"
                raise PluginError(
                    f"Plugin {plugin!r} answers fields of the type {type_name!r}, which no "
                    f"loaded plugin registers (known: {known})."
                )
            fields = {
                _graphql_name(field): field
                for field in get_object_definition(composed, strict=True).fields
            }
            for field_name, resolve in resolvers.items():
                key = f"{type_name}.{field_name}"
                if key in claimed:
                    raise PluginError(
                        f"Plugins {claimed[key]!r} and {plugin!r} both answer the field {key}: "
                        "only one plugin may supply a field's value; uninstall or disable one."
                    )
                field = fields.get(field_name)
                if field is None:
                    raise PluginError(
                        f"Plugin {plugin!r} answers the field {key}, which does not exist."
                    )
                if not field.is_basic_field or field.arguments:
                    raise PluginError(
                        f"Plugin {plugin!r} answers the field {key}, which has a resolver of "
                        "its own: only stored fields (no resolver, no arguments) can be answered."
                    )
                if not callable(resolve):
                    raise PluginError(
                        f"Plugin {plugin!r} answers the field {key} with {resolve!r}: expected "
                        "a function resolve(root, info, stored)."
                    )
                # The composed type holds its own copy of each field (schema._fresh_type).
                field.base_resolver = _answering(field, resolve)
                claimed[key] = plugin
    return claimed
