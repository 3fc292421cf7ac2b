"""Planning a query document for compiled execution (:mod:`hub.graphql.compiled`), once per
document: which fields are plain attributes, which have resolvers or loaders, how each value is
serialised, and the plan of each possible type below a union or an interface. A document the
plans do not model raises :class:`NotPlannable` and graphql-core runs it."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from graphql import (
    DirectiveNode,
    FieldNode,
    GraphQLAbstractType,
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    OperationDefinitionNode,
    OperationType,
    Visitor,
    is_abstract_type,
    is_leaf_type,
    is_object_type,
    visit,
)
from graphql.execution.collect_fields import FieldDetailsList, collect_fields, collect_subfields
from graphql.type.scalars import serialize_boolean, serialize_id, serialize_string
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

from hub.graphql.loaded import LoadedBy, loaded_by

#: Documents kept planned per schema; the parser cache keeps the same number of documents.
PLANNED_DOCUMENTS = 512

#: graphql-core's serialisers that return values of one exact type untouched: such a value
#: goes into the answer without the call (most of a page's leaves are strings).
UNCHANGED_BY: dict[Callable[[Any], Any], type] = {
    serialize_string: str,
    serialize_id: str,
    serialize_boolean: bool,
}


class NotPlannable(Exception):
    """The document uses something plans do not model; graphql-core runs it."""


@dataclass(eq=False)
class FieldPlan:
    key: str
    field_def: GraphQLField
    field_nodes: list[FieldNode]
    details: FieldDetailsList
    nullable: bool
    is_list: bool
    items_nullable: bool
    #: Reads a plain attribute of the source, with no resolve info (Strawberry's basic fields).
    read: Callable[[Any], Any] | None
    #: Serialises a leaf value; ``None`` for object fields.
    serialize: Callable[[Any], Any] | None
    #: The Python type whose values ``serialize`` gives back as they are (``str`` for a String).
    unchanged: type | None = None
    child: ObjectPlan | None = None
    #: For a field of a union or interface: the plan of each possible object type, by name.
    variants: dict[str, ObjectPlan] | None = None
    abstract: GraphQLAbstractType | None = None
    #: The argument values do not depend on the source object: computed once per run.
    has_arguments: bool = False
    #: A :func:`~hub.graphql.loaded.loaded_field`: one call of its loader for the whole level.
    loaded: LoadedBy | None = None


@dataclass(eq=False)
class ObjectPlan:
    type: GraphQLObjectType
    keys: tuple[str, ...]
    typename_keys: tuple[str, ...]
    fields: list[FieldPlan] = field(default_factory=list)
    #: Some resolver at or below this level gets a resolve info, so response paths are built.
    needs_paths: bool = False


def _reject_directives(operation: OperationDefinitionNode, fragments: Sequence[Any]) -> None:
    class Finder(Visitor):
        def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
            raise NotPlannable(f"directive @{node.name.value}")

    for node in (operation, *fragments):
        visit(node, Finder())


def _unwrap(type_: GraphQLOutputType) -> tuple[bool, bool, bool, GraphQLOutputType]:
    """(nullable, is_list, items_nullable, named type) for the shapes plans model."""
    nullable = not isinstance(type_, GraphQLNonNull)
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if not isinstance(inner, GraphQLList):
        return nullable, False, False, inner
    item = inner.of_type
    items_nullable = not isinstance(item, GraphQLNonNull)
    named = item.of_type if isinstance(item, GraphQLNonNull) else item
    if isinstance(named, GraphQLList | GraphQLNonNull):
        raise NotPlannable("nested lists")
    return nullable, True, items_nullable, named


def _loaded(field_def: GraphQLField) -> LoadedBy | None:
    """The loader behind a ``loaded_field`` that nothing else wraps (permissions, extensions)."""
    strawberry_field = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if strawberry_field is None or strawberry_field.extensions:
        return None
    resolver = strawberry_field.base_resolver
    return loaded_by(resolver.wrapped_func) if resolver is not None else None


def _attribute_reader(field_def: GraphQLField) -> Callable[[Any], Any] | None:
    """A direct reader when Strawberry would only read an attribute (no resolve info needed)."""
    if not getattr(field_def.resolve, "_is_default", False):
        return None
    strawberry_field = field_def.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if strawberry_field is None:
        return None
    name: str = strawberry_field.python_name
    resolver = strawberry_field.default_resolver
    if resolver is getattr:
        return attrgetter(name)
    return lambda source: resolver(source, name)


class Planner:
    def __init__(self, executor: StrawberryGraphQLCoreExecutionContext) -> None:
        self.executor = executor

    def plan(self) -> ObjectPlan:
        executor = self.executor
        operation = executor.operation
        if operation.operation is not OperationType.QUERY:
            raise NotPlannable(operation.operation.value)
        if any(details.variable_signatures for details in executor.fragments.values()):
            raise NotPlannable("fragment variables")
        _reject_directives(
            operation, [details.definition for details in executor.fragments.values()]
        )
        root_type = executor.schema.query_type
        assert root_type is not None
        collected = collect_fields(
            executor.schema, executor.fragments, executor.variable_values, root_type, operation
        )
        return self._object_plan(root_type, collected.grouped_field_set)

    def _object_plan(
        self, type_: GraphQLObjectType, grouped: dict[str, FieldDetailsList]
    ) -> ObjectPlan:
        typename_keys = []
        plan = ObjectPlan(type_, tuple(grouped), ())
        for key, details in grouped.items():
            name = details[0].node.name.value
            if name == "__typename":
                typename_keys.append(key)
                continue
            if name.startswith("__"):
                raise NotPlannable("introspection")
            field_def = type_.fields.get(name)
            if field_def is None:
                raise NotPlannable(f"unknown field {name}")
            plan.fields.append(self._field_plan(type_, key, field_def, details))
        plan.typename_keys = tuple(typename_keys)
        plan.needs_paths = any(
            (f.read is None and f.loaded is None)
            or any(child.needs_paths for child in children_of(f))
            for f in plan.fields
        )
        return plan

    def _field_plan(
        self,
        parent: GraphQLObjectType,
        key: str,
        field_def: GraphQLField,
        details: FieldDetailsList,
    ) -> FieldPlan:
        nullable, is_list, items_nullable, named = _unwrap(field_def.type)
        nodes = [detail.node for detail in details]
        plan = FieldPlan(
            key=key,
            field_def=field_def,
            field_nodes=nodes,
            details=details,
            nullable=nullable,
            is_list=is_list,
            items_nullable=items_nullable,
            read=_attribute_reader(field_def),
            serialize=None,
            has_arguments=bool(field_def.args or nodes[0].arguments),
            loaded=_loaded(field_def),
        )
        if is_leaf_type(named):
            assert isinstance(named, GraphQLLeafType)
            plan.serialize = named.serialize
            plan.unchanged = UNCHANGED_BY.get(named.serialize)
        elif is_object_type(named):
            assert isinstance(named, GraphQLObjectType)
            plan.child = self._subfields_plan(named, details)
        else:
            assert is_abstract_type(named)
            assert isinstance(named, GraphQLAbstractType)
            plan.abstract = named
            plan.variants = {
                possible.name: self._subfields_plan(possible, details)
                for possible in self.executor.schema.get_possible_types(named)
            }
        return plan

    def _subfields_plan(self, type_: GraphQLObjectType, details: FieldDetailsList) -> ObjectPlan:
        executor = self.executor
        collected = collect_subfields(
            executor.schema,
            executor.fragments,
            executor.variable_values,
            executor.operation,
            type_,
            details,
        )
        return self._object_plan(type_, collected.grouped_field_set)


def children_of(plan: FieldPlan) -> Iterable[ObjectPlan]:
    if plan.child is not None:
        yield plan.child
    if plan.variants is not None:
        yield from plan.variants.values()


class PlanCache:
    """Plans by operation node: the parser cache hands out the same document for the same text."""

    def __init__(self, size: int = PLANNED_DOCUMENTS) -> None:
        self.size = size
        # The operation itself is kept with its plan, so its id cannot be reused by another.
        self.entries: OrderedDict[int, tuple[OperationDefinitionNode, ObjectPlan | None]] = (
            OrderedDict()
        )

    def get(self, executor: StrawberryGraphQLCoreExecutionContext) -> ObjectPlan | None:
        operation = executor.operation
        entry = self.entries.get(id(operation))
        if entry is not None and entry[0] is operation:
            self.entries.move_to_end(id(operation))
            return entry[1]
        try:
            plan: ObjectPlan | None = Planner(executor).plan()
        except NotPlannable:
            plan = None
        self.entries[id(operation)] = (operation, plan)
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return plan
