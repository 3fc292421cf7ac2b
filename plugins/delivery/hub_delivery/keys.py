"""What an answer contains, as cache tags: the content types an operation selects and the nodes
its answer names, and the max-age those types allow.

Types come from the document (the same document always selects the same types, so the result
is kept per document); node keys come from the ``id`` fields of the answer.
"""

from __future__ import annotations

import base64
import binascii
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
    parse,
)

from hub import parse_key

#: Tags answers that name no content type (a count, ``__typename``): every change purges it.
QUERY_KEY = "Query"


@dataclass(frozen=True)
class OperationTypes:
    """The content types (those implementing ``Node``) an operation can return."""

    type_keys: frozenset[str]

    def max_age(self, default: int, per_type: Mapping[str, int]) -> int:
        ages = [per_type[name] for name in self.type_keys if name in per_type]
        return min(ages, default=default) if ages else default


class OperationAnalyser:
    """Types per (document, operation name), computed once each and kept in an LRU."""

    def __init__(self, schema: GraphQLSchema, capacity: int = 512) -> None:
        self.schema = schema
        self.capacity = capacity
        node = schema.get_type("Node")
        self.content_types: frozenset[str] = (
            frozenset(t.name for t in schema.get_implementations(node).objects)
            if isinstance(node, GraphQLInterfaceType)
            else frozenset()
        )
        self._known: OrderedDict[tuple[str, str | None], OperationTypes] = OrderedDict()

    def types_of(self, document: str, operation_name: str | None) -> OperationTypes:
        key = (document, operation_name)
        known = self._known.get(key)
        if known is None:
            known = self._analyse(parse(document), operation_name)
            self._known[key] = known
            while len(self._known) > self.capacity:
                self._known.popitem(last=False)
        return known

    def _analyse(self, document: DocumentNode, operation_name: str | None) -> OperationTypes:
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        operation = next(
            (o for o in operations if o.name is not None and o.name.value == operation_name),
            operations[0],
        )
        root = self.schema.query_type
        assert root is not None
        keys: set[str] = set()
        for field_node, parent in self._fields(operation.selection_set, root, fragments, set()):
            found = self._types_below(field_node, parent, fragments)
            if not found:
                keys.add(QUERY_KEY)
            keys |= found
        return OperationTypes(frozenset(keys))

    def _types_below(
        self,
        field_node: FieldNode,
        parent: GraphQLNamedType,
        fragments: Mapping[str, FragmentDefinitionNode],
    ) -> set[str]:
        found: set[str] = set()
        pending = [(field_node, parent)]
        while pending:
            current, owner = pending.pop()
            if not isinstance(owner, GraphQLObjectType | GraphQLInterfaceType):
                continue
            definition = owner.fields.get(current.name.value)
            if definition is None:  # __typename and other introspection fields
                continue
            named = get_named_type(definition.type)
            found |= self._content_types_of(named)
            if current.selection_set is not None:
                pending.extend(self._fields(current.selection_set, named, fragments, set()))
        return found

    def _content_types_of(self, named: GraphQLNamedType) -> set[str]:
        if isinstance(named, GraphQLInterfaceType | GraphQLUnionType):
            possible = {t.name for t in self.schema.get_possible_types(named)}
            return possible & self.content_types
        return {named.name} & self.content_types

    def _fields(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType,
        fragments: Mapping[str, FragmentDefinitionNode],
        visited: set[str],
    ) -> Iterator[tuple[FieldNode, GraphQLNamedType]]:
        """The fields of a selection set with the type they are selected on, through fragments."""
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection, parent
            elif isinstance(selection, InlineFragmentNode):
                condition = (
                    self.schema.get_type(selection.type_condition.name.value)
                    if selection.type_condition
                    else parent
                )
                if condition is not None:
                    yield from self._fields(selection.selection_set, condition, fragments, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is None or name in visited:
                    continue
                visited.add(name)
                condition = self.schema.get_type(fragment.type_condition.name.value)
                if condition is not None:
                    yield from self._fields(fragment.selection_set, condition, fragments, visited)


def node_keys(data: object, content_types: frozenset[str]) -> set[str]:
    """``Type:pk`` for every Relay ``id`` in an answer (only ids the client selected)."""
    keys: set[str] = set()
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            identifier = value.get("id")
            if isinstance(identifier, str):
                key = _decoded_global_id(identifier, content_types)
                if key is not None:
                    keys.add(key)
            pending.extend(v for v in value.values() if isinstance(v, dict | list))
        elif isinstance(value, list):
            pending.extend(v for v in value if isinstance(v, dict | list))
    return keys


def _decoded_global_id(identifier: str, content_types: frozenset[str]) -> str | None:
    try:
        decoded = base64.b64decode(identifier, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    type_name, _, key = decoded.partition(":")
    if type_name in content_types and parse_key(key) is not None:
        return f"{type_name}:{key}"
    return None
