"""What an operation asks of the server, measured from its document before anything runs.

The cost counts every field once (or its declared weight), and a list field's children once per
item it may return, as GitHub's and Shopify's cost models do. A list's item count is, in order:

1. a count declared on the field (:func:`cost_hint` ``items=``);
2. its own ``first``, ``last`` or ``limit`` argument: a literal, the request's variable, the
   variable's default, else the argument's default in the schema;
3. the length of its own list-of-IDs argument (``nodes(ids: [...])``: one item per id);
4. its connection's page size (``posts(first: 20) { edges { ... } }`` costs its edges twenty
   times: a connection passes its own count to the lists under it);
5. :data:`DEFAULT_LIST_SIZE`, the hub's default page size.

Plugin fields are costed by the same rules with no code of their own; a field whose cost they
miss (an expensive resolver, an unbounded list) declares a hint through Strawberry's public
field metadata: ``@strawberry.field(metadata=cost_hint(weight=10, items=200))``.

A measure is kept per document (the parser cache hands out one document per text) with the
values that come from variables left to each request, so the same document costs what its
variables ask.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

import strawberry
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLField,
    GraphQLID,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Source,
    TokenKind,
    ValueNode,
    VariableNode,
)
from graphql.language import Lexer
from strawberry.types.base import StrawberryObjectDefinition

from hub.graphql.pagination import DEFAULT_PAGE_SIZE

#: Items assumed for a list with no count of its own: what a connection returns without `first`.
DEFAULT_LIST_SIZE = DEFAULT_PAGE_SIZE
#: Arguments whose value is how many items a list or connection returns.
SIZE_ARGUMENTS = ("first", "last", "limit")
#: The key of a cost hint in a Strawberry field's ``metadata``.
COST_HINT_KEY = "hub.cost"
CACHED_DOCUMENTS = 512


@dataclass(frozen=True)
class CostHint:
    """What the rules cannot see: a field's own weight, and how many items a list holds at most."""

    weight: int = 1
    items: int | None = None


def cost_hint(weight: int = 1, items: int | None = None) -> dict[str, CostHint]:
    """Field metadata declaring a cost: ``@strawberry.field(metadata=cost_hint(weight=5))``.

    ``weight`` is what the field costs each time it is resolved (default 1: expensive resolvers,
    a full-text search say, count more); ``items`` is the most items a list field returns when
    no argument says how many.
    """
    if weight < 0 or (items is not None and items < 0):
        raise ValueError("cost_hint: weight and items must not be negative")
    return {COST_HINT_KEY: CostHint(weight, items)}


@dataclass(frozen=True)
class ItemCount:
    """How many items a list returns: ``fallback``, unless the request gives ``variable``
    (its value, or with ``length`` its length)."""

    fallback: int
    variable: str | None = None
    length: bool = False

    def resolve(self, variables: Mapping[str, Any]) -> int:
        if self.variable is None or self.variable not in variables:
            return self.fallback
        value = variables[self.variable]
        if self.length:
            return len(value) if isinstance(value, list) else 1
        # A wrong type is the resolver's error to report; the cost only needs a number.
        if isinstance(value, int) and not isinstance(value, bool):
            return max(0, value)
        return self.fallback


@dataclass(frozen=True)
class CostNode:
    weight: int
    count: ItemCount | None  # None: not a list, counted once
    children: tuple[CostNode, ...]

    def cost(self, variables: Mapping[str, Any]) -> int:
        inner = sum(child.cost(variables) for child in self.children)
        items = 1 if self.count is None else self.count.resolve(variables)
        return self.weight + items * inner


@dataclass(frozen=True)
class Measure:
    """One operation's depth, aliases, tokens, and its cost for any variables."""

    depth: int
    aliases: int
    tokens: int
    plan: tuple[CostNode, ...]

    def cost(self, variables: Mapping[str, Any] | None) -> int:
        return sum(node.cost(variables or {}) for node in self.plan)


def count_tokens(text: str) -> int:
    """Lexical tokens as graphql-core's parser counts them for ``max_tokens`` (no comments)."""
    lexer = Lexer(Source(text))
    count = 0
    while lexer.advance().kind is not TokenKind.EOF:
        count += 1
    return count


def count_aliases(document: DocumentNode) -> int:
    count = 0

    def visit(selection_set: SelectionSetNode | None) -> None:
        nonlocal count
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode) and selection.alias is not None:
                count += 1
            visit(getattr(selection, "selection_set", None))

    for definition in document.definitions:
        visit(getattr(definition, "selection_set", None))
    return count


def _named(type_: Any) -> tuple[Any, bool]:
    """The named type under non-null wrappers, and whether it is a list."""
    is_list = False
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        is_list = is_list or isinstance(type_, GraphQLList)
        type_ = type_.of_type
    return type_, is_list


def graphql_schema_of(schema: strawberry.Schema) -> GraphQLSchema:
    """graphql-core's schema under Strawberry's: no public accessor (a test guards the name)."""
    graphql_schema = schema._schema
    assert isinstance(graphql_schema, GraphQLSchema)
    return graphql_schema


Hints = Mapping[tuple[str, str], CostHint]
_HINTS: WeakKeyDictionary[strawberry.Schema, Hints] = WeakKeyDictionary()


def cost_hints(schema: strawberry.Schema) -> Hints:
    """Every field's :class:`CostHint` from its Strawberry metadata, by (type, field) name."""
    hints = _HINTS.get(schema)
    if hints is None:
        found: dict[tuple[str, str], CostHint] = {}
        for type_name in graphql_schema_of(schema).type_map:
            definition = schema.get_type_by_name(type_name)
            if not isinstance(definition, StrawberryObjectDefinition):
                continue
            for field in definition.fields:
                hint = field.metadata.get(COST_HINT_KEY)
                if isinstance(hint, CostHint):
                    name = schema.config.name_converter.get_graphql_name(field)
                    found[(type_name, name)] = hint
        hints = _HINTS[schema] = found
    return hints


class _Measurer:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode, hints: Hints) -> None:
        self.schema = schema
        self.hints = hints
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.defaults: dict[str, Any] = {}

    def operation(self, operation: OperationDefinitionNode) -> tuple[int, tuple[CostNode, ...]]:
        for definition in operation.variable_definitions or ():
            default = definition.default_value
            if isinstance(default, IntValueNode):
                self.defaults[definition.variable.name.value] = int(default.value)
            elif isinstance(default, ListValueNode):
                self.defaults[definition.variable.name.value] = len(default.values)
        root = self.schema.get_root_type(operation.operation)
        assert root is not None  # validation ran: the operation's type exists
        return self.selections(operation.selection_set, root, None, frozenset())

    def selections(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType,
        page: ItemCount | None,
        seen: frozenset[str],
    ) -> tuple[int, tuple[CostNode, ...]]:
        depth = 0
        nodes: list[CostNode] = []
        for field_node, field_parent in self.fields(selection_set, parent, seen):
            name = field_node.name.value
            if name.startswith("__"):
                continue  # introspection costs nothing, as for the core's depth limit
            assert isinstance(field_parent, GraphQLObjectType | GraphQLInterfaceType)
            definition = field_parent.fields[name]
            hint = self.hints.get((field_parent.name, name), CostHint())
            named, is_list = _named(definition.type)
            own = self.size_argument(field_node, definition)
            count: ItemCount | None = None
            if is_list:
                count = (
                    ItemCount(hint.items)
                    if hint.items is not None
                    else own or self.list_argument(field_node, definition) or page
                ) or ItemCount(DEFAULT_LIST_SIZE)
            child_depth = 0
            children: tuple[CostNode, ...] = ()
            if field_node.selection_set is not None:
                inner_depth, children = self.selections(
                    field_node.selection_set, named, own if not is_list else None, seen
                )
                child_depth = 1 + inner_depth
            depth = max(depth, child_depth)
            nodes.append(CostNode(hint.weight, count, children))
        return depth, tuple(nodes)

    def fields(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType, seen: frozenset[str]
    ) -> Iterator[tuple[FieldNode, GraphQLNamedType]]:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection, parent
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = self.schema.get_type(condition.name.value) if condition else parent
                assert target is not None
                yield from self.fields(selection.selection_set, target, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in seen:
                    continue  # cycles are a validation error already
                fragment = self.fragments[name]
                target = self.schema.get_type(fragment.type_condition.name.value)
                assert target is not None
                yield from self.fields(fragment.selection_set, target, seen | {name})

    def size_argument(self, field_node: FieldNode, definition: GraphQLField) -> ItemCount | None:
        given = {argument.name.value: argument.value for argument in field_node.arguments or ()}
        for name in SIZE_ARGUMENTS:
            argument = definition.args.get(name)
            if argument is None:
                continue
            count = self.count_of(given.get(name), argument, length=False)
            if count is not None:
                return count
        return None

    def list_argument(self, field_node: FieldNode, definition: GraphQLField) -> ItemCount | None:
        given = {argument.name.value: argument.value for argument in field_node.arguments or ()}
        for name, argument in definition.args.items():
            item_type, is_list = _named(argument.type)
            if is_list and item_type is GraphQLID and name in given:
                return self.count_of(given[name], argument, length=True)
        return None

    def count_of(
        self, value: ValueNode | None, argument: GraphQLArgument, length: bool
    ) -> ItemCount | None:
        if isinstance(value, VariableNode):
            name = value.name.value
            fallback = self.defaults.get(name)
            if fallback is None:
                fallback = _schema_default(argument, length)
            return ItemCount(DEFAULT_LIST_SIZE if fallback is None else fallback, name, length)
        if length and isinstance(value, ListValueNode):
            return ItemCount(len(value.values))
        if length:
            return ItemCount(1) if value is not None else None
        if isinstance(value, IntValueNode):
            return ItemCount(max(0, int(value.value)))
        if value is None:
            default = _schema_default(argument, length)
            return None if default is None else ItemCount(default)
        return None  # null: the field's own default applies


def _schema_default(argument: GraphQLArgument, length: bool) -> int | None:
    default = argument.default_value
    if length:
        return len(default) if isinstance(default, list) else None
    return default if isinstance(default, int) and not isinstance(default, bool) else None


def measure(
    schema: strawberry.Schema, document: DocumentNode, query: str, operation_name: str | None
) -> Measure:
    """The measure of the operation a request runs; the document must have passed validation."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    operation = next(
        (o for o in operations if o.name is not None and o.name.value == operation_name),
        operations[0],
    )
    measurer = _Measurer(graphql_schema_of(schema), document, cost_hints(schema))
    depth, plan = measurer.operation(operation)
    return Measure(depth, count_aliases(document), count_tokens(query), plan)


class MeasureCache:
    """Measures by schema and document identity, both kept alive with them."""

    def __init__(self, size: int = CACHED_DOCUMENTS) -> None:
        self.size = size
        self.entries: OrderedDict[
            tuple[int, int, str | None], tuple[strawberry.Schema, DocumentNode, Measure]
        ] = OrderedDict()

    def get(
        self,
        schema: strawberry.Schema,
        document: DocumentNode,
        query: str,
        operation: str | None,
    ) -> Measure:
        key = (id(schema), id(document), operation)
        entry = self.entries.get(key)
        # Both are kept with the measure, so neither id can be reused by another object.
        if entry is not None and entry[0] is schema and entry[1] is document:
            self.entries.move_to_end(key)
            return entry[2]
        measured = measure(schema, document, query, operation)
        self.entries[key] = (schema, document, measured)
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return measured
