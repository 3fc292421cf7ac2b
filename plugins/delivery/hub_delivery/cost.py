"""What an operation asks of the server: depth, aliases, tokens and a cost, checked per key.

The cost counts every field once, and a list field's children once per item it may return: its
own ``first``/``last`` argument, else its connection's (``posts(first: 20) { edges { ... } }``
costs its edges twenty times), else the default page size. The front page (20 posts, each
with authors, themes and sections) costs 2,206; a partner key's default budget is 5,000.

The measure of a document is kept by document identity (the parser cache hands out one document
per text), with the ``first``/``last`` values that come from variables left to each request, so
the same document costs what its variables ask. Only the comparison with the key's budget is
per request, so keys with different budgets share the measure and the core's validation cache
is untouched (no validation rule depends on the key).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Source,
    TokenKind,
    VariableNode,
)
from graphql.language import Lexer
from strawberry.extensions import SchemaExtension

from hub_delivery.partners import Budget

DEFAULT_PAGE_SIZE = 20
BUDGET_STATE_KEY = "hub_delivery_budget"
CACHED_DOCUMENTS = 512

#: A list's item count: a number known from the document, or a variable's name and the number
#: to use when the request does not give that variable.
Count = int | tuple[str, int]


@dataclass(frozen=True)
class CostNode:
    count: Count | None  # None: not a list, counted once
    children: tuple[CostNode, ...]

    def cost(self, variables: Mapping[str, Any]) -> int:
        inner = sum(child.cost(variables) for child in self.children)
        return 1 + _items(self.count, variables) * inner


def _items(count: Count | None, variables: Mapping[str, Any]) -> int:
    if count is None:
        return 1
    if isinstance(count, int):
        return count
    name, fallback = count
    value = variables.get(name)
    # A wrong type is the resolver's error to report; the cost only needs a number.
    return max(0, value) if isinstance(value, int) and not isinstance(value, bool) else fallback


@dataclass(frozen=True)
class Measure:
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


def _named(type_: Any) -> tuple[Any, bool]:
    """The named type under non-null wrappers, and whether it is a list."""
    is_list = False
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        is_list = is_list or isinstance(type_, GraphQLList)
        type_ = type_.of_type
    return type_, is_list


class _Measurer:
    def __init__(self, schema: GraphQLSchema, document: DocumentNode) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.defaults: dict[str, int] = {}

    def operation(self, operation: OperationDefinitionNode) -> tuple[int, tuple[CostNode, ...]]:
        for definition in operation.variable_definitions or ():
            default = definition.default_value
            if isinstance(default, IntValueNode):
                self.defaults[definition.variable.name.value] = int(default.value)
        root = self.schema.get_root_type(operation.operation)
        assert root is not None  # validation ran: the operation's type exists
        return self.selections(operation.selection_set, root, None, frozenset())

    def selections(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLNamedType,
        page: Count | None,
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
            named, is_list = _named(definition.type)
            own = self.page_argument(field_node)
            count: Count | None = None
            if is_list:
                count = own if own is not None else page if page is not None else DEFAULT_PAGE_SIZE
            child_depth = 0
            children: tuple[CostNode, ...] = ()
            if field_node.selection_set is not None:
                inner_depth, children = self.selections(
                    field_node.selection_set, named, own if not is_list else None, seen
                )
                child_depth = 1 + inner_depth
            depth = max(depth, child_depth)
            nodes.append(CostNode(count, children))
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

    def page_argument(self, field_node: FieldNode) -> Count | None:
        for argument in field_node.arguments or ():
            if argument.name.value not in ("first", "last"):
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                return max(0, int(value.value))
            if isinstance(value, VariableNode):
                name = value.name.value
                return (name, self.defaults.get(name, DEFAULT_PAGE_SIZE))
        return None


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


def measure(
    schema: GraphQLSchema, document: DocumentNode, query: str, operation_name: str | None
) -> Measure:
    """The measure of the operation a request runs; the document must have passed validation."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    operation = next(
        (o for o in operations if o.name is not None and o.name.value == operation_name),
        operations[0],
    )
    depth, plan = _Measurer(schema, document).operation(operation)
    return Measure(depth, count_aliases(document), count_tokens(query), plan)


class MeasureCache:
    """Measures by document identity, the parser cache's documents kept alive with them."""

    def __init__(self, size: int = CACHED_DOCUMENTS) -> None:
        self.size = size
        self.entries: OrderedDict[tuple[int, str | None], tuple[DocumentNode, Measure]] = (
            OrderedDict()
        )

    def get(
        self, schema: GraphQLSchema, document: DocumentNode, query: str, operation: str | None
    ) -> Measure:
        key = (id(document), operation)
        entry = self.entries.get(key)
        if entry is not None and entry[0] is document:
            self.entries.move_to_end(key)
            return entry[1]
        measured = measure(schema, document, query, operation)
        self.entries[key] = (document, measured)
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return measured


def over_budget(
    measured: Measure, budget: Budget, variables: Mapping[str, Any] | None
) -> GraphQLError | None:
    """The first limit the operation goes over, as the error the client gets; None if none."""
    checks: Sequence[tuple[str, int, int, str]] = (
        ("max-depth", measured.depth, budget.max_depth, "depth"),
        ("max-aliases", measured.aliases, budget.max_aliases, "aliases"),
        ("max-tokens", measured.tokens, budget.max_tokens, "tokens"),
    )
    for limit, value, maximum, what in checks:
        if value > maximum:
            return _budget_error(limit, what, value, maximum)
    cost = measured.cost(variables)
    if cost > budget.max_cost:
        return _budget_error("max-cost", "cost", cost, budget.max_cost)
    return None


def _budget_error(limit: str, what: str, value: int, maximum: int) -> GraphQLError:
    return GraphQLError(
        f"This operation's {what} is {value}, over this API key's {limit} of {maximum}: "
        "ask for fewer fields or smaller pages.",
        extensions={
            "code": "QUERY_BUDGET_EXCEEDED",
            "limit": limit,
            "value": value,
            "maximum": maximum,
        },
    )


_MEASURES = MeasureCache()


def budget_of(context: Any) -> Budget | None:
    """The budget the partner middleware set for this request; None outside partner keys."""
    request = getattr(context, "request", None)
    if request is None:
        return None
    budget: Budget | None = request.scope.get("state", {}).get(BUDGET_STATE_KEY)
    return budget


class PartnerBudgetCheck(SchemaExtension):
    """Refuses a partner key's operation over its budget before any resolver runs."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        budget = budget_of(context.context)
        # After the core's validation (registered first): a document it refused has its errors.
        if (
            budget is not None
            and context.graphql_document is not None
            and context.query is not None
            and context.pre_execution_errors == []
        ):
            measured = _MEASURES.get(
                context.schema._schema,
                context.graphql_document,
                context.query,
                context.operation_name,
            )
            error = over_budget(measured, budget, context.variables)
            if error is not None:
                context.pre_execution_errors = [error]
        yield
