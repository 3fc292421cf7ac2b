"""Which plugin's classes a schema error is about, so the message can name the plugin.

Strawberry reports a type defined twice, or a field annotated with something that is not a
GraphQL type, deep inside schema conversion: the message names a class, never the plugin
that registered it. Walking each plugin's registered classes through their fields' types
(public ``StrawberryField.type`` and ``.arguments``) finds the plugins that reach it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from strawberry.types.arguments import StrawberryArgument
from strawberry.types.base import get_object_definition
from strawberry.types.enum import StrawberryEnumDefinition
from strawberry.types.field import StrawberryField
from strawberry.types.lazy_type import LazyType


def _origins(annotation: Any) -> Iterable[Any]:
    """The classes (object, input and enum types, or anything else) an annotation names."""
    while hasattr(annotation, "of_type"):  # StrawberryList, StrawberryOptional
        annotation = annotation.of_type
    if isinstance(annotation, LazyType):
        try:
            annotation = annotation.resolve_type()
        except Exception:  # an unresolvable reference is reported elsewhere
            return
    if isinstance(annotation, StrawberryEnumDefinition):
        yield annotation.wrapped_cls
        return
    for member in getattr(annotation, "types", ()) or ():  # unions
        yield from _origins(member)
    yield annotation


def _arguments(field: StrawberryField) -> list[StrawberryArgument]:
    # Not ``field.arguments``: that caches the list on the field, and field extensions such as
    # ``relay.node()`` add their arguments only to a field that has none cached yet.
    return list(field.base_resolver.arguments) if field.base_resolver else []


def reachable(classes: Iterable[type]) -> list[Any]:
    """Every class reachable from ``classes`` through field and argument types."""
    seen: dict[int, Any] = {}
    stack: list[Any] = list(classes)
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen[id(item)] = item
        definition = get_object_definition(item) if isinstance(item, type) else None
        if definition is None:
            continue
        for field in definition.fields:
            try:
                annotations = [field.type, *(argument.type for argument in _arguments(field))]
            except Exception:  # an annotation that cannot be resolved names nothing here
                continue
            for annotation in annotations:
                stack.extend(_origins(annotation))
    return list(seen.values())


def plugins_reaching(target: object, registered: Mapping[str, list[type]]) -> list[str]:
    """The plugins whose registered classes reach ``target``, in registration order."""
    return [
        plugin
        for plugin, classes in registered.items()
        if any(item is target for item in reachable(classes))
    ]


def fields_naming(target: object, classes: Iterable[type]) -> list[str]:
    """``Type.field`` for every field (or argument) reachable from ``classes`` naming ``target``."""
    found = []
    for item in reachable(classes):
        definition = get_object_definition(item) if isinstance(item, type) else None
        for field in definition.fields if definition else ():
            try:
                annotations = [field.type, *(argument.type for argument in _arguments(field))]
            except Exception:
                continue
            if any(origin is target for a in annotations for origin in _origins(a)):
                found.append(f"{definition.name}.{field.python_name}")  # type: ignore[union-attr]
    return found


def _graphql_name(item: object) -> str | None:
    """The name a reached class takes in the schema; None for generics and non-GraphQL classes."""
    definition = getattr(item, "__strawberry_definition__", None)
    if isinstance(definition, StrawberryEnumDefinition):
        return definition.name
    if not isinstance(item, type):
        return None
    object_definition = get_object_definition(item)
    if object_definition is None or object_definition.is_graphql_generic:
        return None
    if object_definition.concrete_of is not None or object_definition.type_var_map:
        return None  # a specialised generic (Connection[Post]) is named when it is converted
    return object_definition.name


def clashing_type(
    registered: Mapping[str, list[type]], exempt: Iterable[str]
) -> tuple[str, str, str] | None:
    """(name, plugin, other plugin) when two plugins reach different classes of one GraphQL name.

    Strawberry notices only some of these (for an input type it silently keeps the first, so one
    plugin's arguments would be parsed with the other's type). ``exempt`` names the composed
    types, whose body and composed class legitimately share a name.
    """
    skip = set(exempt)
    seen: dict[str, dict[str, set[int]]] = {}
    for plugin, classes in registered.items():
        for item in reachable(classes):
            if item in classes:
                continue  # a root part or mixin: its fields are merged, its name never shown
            name = _graphql_name(item)
            if name is None or name in skip:
                continue
            seen.setdefault(name, {}).setdefault(plugin, set()).add(id(item))
    for name, by_plugin in seen.items():
        plugins = list(by_plugin)
        for index, plugin in enumerate(plugins):
            for other in plugins[index + 1 :]:
                if not by_plugin[plugin] & by_plugin[other]:
                    return name, plugin, other
    return None
