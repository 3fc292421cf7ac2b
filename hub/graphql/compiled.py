"""Compiled execution: each query document is planned once, then run without graphql-core's
field-by-field walk.

graphql-core resolves every field of every object on its own: a resolve-info object, a path, an
awaitable check, a completion step, for each of the ~340 fields of a front page. Most of those
fields are plain attributes of the object their parent returned. A plan knows, per document,
which fields are attributes (read with ``getattr`` and serialised) and which have resolvers
(called exactly as graphql-core calls them, with the same resolve info, arguments, and
Strawberry's wrappers for argument conversion, permissions and field extensions), and it runs
level by level: the resolvers of all objects of a level are awaited together, so DataLoaders
batch as before, with one gather per level instead of one task per list. A field of an abstract
type (a union, an interface) is planned once per possible object type; at run time its objects
are sorted by the type the schema's type resolver names, and each group runs its type's plan.

Anything the plan does not model falls back to graphql-core, so answers never differ:

- documents the planner cannot handle run as before: mutations and subscriptions, directives
  (``@skip``/``@include``/``@defer``/``@stream``), nested lists, introspection, and any schema
  with field middleware;
- when anything goes wrong during a planned run (a resolver raises, a non-null field is null, a
  value cannot be serialised) the operation is run again by graphql-core, which produces the
  located errors and null propagation the spec asks for. Queries are free of side effects, so
  the second run is safe, and it reuses the request's DataLoader caches.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, ClassVar

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
from graphql.execution.values import get_argument_values
from graphql.pyutils import AwaitableOrValue, Path
from graphql.type.scalars import serialize_boolean, serialize_id, serialize_string
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

from hub.graphql.batching import load_at_once
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


class PlanAborted(Exception):
    """A planned run met something only graphql-core answers exactly (errors, nulls)."""


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
            or any(child.needs_paths for child in _children_of(f))
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


def _children_of(plan: FieldPlan) -> Iterable[ObjectPlan]:
    if plan.child is not None:
        yield plan.child
    if plan.variants is not None:
        yield from plan.variants.values()


async def _all(awaitables: Sequence[Awaitable[Any]]) -> list[Any]:
    """Every value, once all have settled (none is left running unobserved), or the abort."""
    settled = await asyncio.gather(*awaitables, return_exceptions=True)
    for value in settled:
        if isinstance(value, PlanAborted):
            raise value
        if isinstance(value, BaseException):
            raise PlanAborted from value
    return settled


def _as_list(value: Any) -> Sequence[Any]:
    """A list field's value as a sequence, or abort where graphql-core reports an error.

    Callers test ``type(value) is list`` first: most values are lists, and a call per value
    costs ~1 % of a front page.
    """
    if isinstance(value, list | tuple):
        return value
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise PlanAborted
    return list(value)


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


class Run:
    """One planned execution: the executor's request state, and the plan walked level by level."""

    def __init__(self, executor: StrawberryGraphQLCoreExecutionContext) -> None:
        self.executor = executor
        self.arguments: dict[int, dict[str, Any]] = {}

    def _arguments(self, plan: FieldPlan) -> dict[str, Any]:
        if not plan.has_arguments:
            return {}
        known = self.arguments.get(id(plan))
        if known is None:
            executor = self.executor
            known = get_argument_values(
                plan.field_def,
                plan.field_nodes[0],
                executor.variable_values,
                plan.details[0].fragment_variable_values,
                executor.hide_suggestions,
            )
            self.arguments[id(plan)] = known
        return known

    async def objects(
        self, plan: ObjectPlan, sources: list[Any], paths: Sequence[Path | None]
    ) -> list[dict[str, Any]]:
        """The answers for ``sources``, all of ``plan``'s type, each at its path."""
        # Keys are placed first, in the document's order; filling them in later keeps it.
        results = [dict.fromkeys(plan.keys) for _ in sources]
        type_name = plan.type.name
        for key in plan.typename_keys:
            for result in results:
                result[key] = type_name
        is_awaitable = self.executor.is_awaitable
        unfinished: list[Awaitable[None]] = []
        for field_plan in plan.fields:
            read = field_plan.read
            waiting: list[int] = []
            if field_plan.loaded is not None:
                unfinished.append(self._load(plan, field_plan, sources, results, paths))
                continue
            if read is not None:
                column = [read(source) for source in sources]
            else:
                column = self._resolve(plan, field_plan, sources, paths, waiting, is_awaitable)
            if waiting or field_plan.serialize is None:
                # Each field goes on as soon as its own values are in, as in graphql-core: a
                # slow sibling (a count, say) must not hold back the loads below this one.
                unfinished.append(self._complete(plan, field_plan, column, waiting, results, paths))
            else:
                self._leaves(field_plan, column, results)
        if unfinished:
            # Always through a gather, even for one: every branch then takes the same number of
            # loop turns per level, so loads at one depth land in one batch of their loader.
            await _all(unfinished)
        return results

    async def _complete(
        self,
        plan: ObjectPlan,
        field_plan: FieldPlan,
        column: list[Any],
        waiting: list[int],
        results: list[dict[str, Any]],
        paths: Sequence[Path | None],
    ) -> None:
        if waiting:
            for index, value in zip(waiting, await _all([column[i] for i in waiting]), strict=True):
                column[index] = value
        if field_plan.serialize is not None:
            self._leaves(field_plan, column, results)
        else:
            await self._children(plan, field_plan, column, results, paths)

    async def _load(
        self,
        plan: ObjectPlan,
        field_plan: FieldPlan,
        sources: list[Any],
        results: list[dict[str, Any]],
        paths: Sequence[Path | None],
    ) -> None:
        """A loaded field for every source, asked of its loader at once."""
        loaded = field_plan.loaded
        assert loaded is not None
        loaders = getattr(self.executor.context_value, "loaders", None)
        if loaders is None:
            raise PlanAborted
        keys = [loaded.read_key(source) for source in sources]
        try:
            wanted = [key for key in keys if key is not None]
            found = iter(await load_at_once(loaders[loaded.loader], wanted))
        except Exception as error:
            raise PlanAborted from error
        column = [None if key is None else next(found) for key in keys]
        await self._complete(plan, field_plan, column, [], results, paths)

    def _resolve(
        self,
        plan: ObjectPlan,
        field_plan: FieldPlan,
        sources: list[Any],
        paths: Sequence[Path | None],
        waiting: list[int],
        is_awaitable: Callable[[Any], bool],
    ) -> list[Any]:
        """The field's resolver called for every source; ``waiting`` gets the awaitable ones."""
        executor = self.executor
        field_def = field_plan.field_def
        resolve = field_def.resolve or executor.field_resolver
        arguments = self._arguments(field_plan)
        type_name = plan.type.name
        column: list[Any] = []
        for index, source in enumerate(sources):
            info = executor.build_resolve_info(
                field_def,
                field_plan.field_nodes,
                plan.type,
                Path(paths[index], field_plan.key, type_name),
            )
            try:
                value = resolve(source, info, **arguments)
            except Exception as error:
                raise PlanAborted from error
            if is_awaitable(value):
                waiting.append(index)
            column.append(value)
        return column

    @staticmethod
    def _leaves(field_plan: FieldPlan, column: list[Any], results: list[dict[str, Any]]) -> None:
        serialize = field_plan.serialize
        assert serialize is not None
        key = field_plan.key
        unchanged = field_plan.unchanged
        for value, result in zip(column, results, strict=True):
            if type(value) is unchanged:
                result[key] = value
                continue
            if value is None:
                if not field_plan.nullable:
                    raise PlanAborted
                continue
            if field_plan.is_list:
                items: list[Any] = []
                for item in value if type(value) is list else _as_list(value):
                    if type(item) is unchanged:
                        items.append(item)
                        continue
                    if item is None:
                        if not field_plan.items_nullable:
                            raise PlanAborted
                        items.append(None)
                        continue
                    serialized = serialize(item)
                    if serialized is None:
                        raise PlanAborted
                    items.append(serialized)
                result[key] = items
            else:
                serialized = serialize(value)
                if serialized is None:
                    raise PlanAborted
                result[key] = serialized

    async def _children(
        self,
        plan: ObjectPlan,
        field_plan: FieldPlan,
        column: list[Any],
        results: list[dict[str, Any]],
        paths: Sequence[Path | None],
    ) -> None:
        key = field_plan.key
        type_name = plan.type.name
        track = any(child.needs_paths for child in _children_of(field_plan))
        sources: list[Any] = []
        child_paths: list[Path | None] = []
        # Where each child's answer goes: the parent's dict, or a slot of a list in it.
        slots: list[tuple[Any, Any]] = []
        for index, value in enumerate(column):
            if value is None:
                if not field_plan.nullable:
                    raise PlanAborted
                continue
            field_path = Path(paths[index], key, type_name) if track else None
            if field_plan.is_list:
                value = value if type(value) is list else _as_list(value)
                items: list[Any] = [None] * len(value)
                results[index][key] = items
                for position, item in enumerate(value):
                    if item is None:
                        if not field_plan.items_nullable:
                            raise PlanAborted
                        continue
                    sources.append(item)
                    child_paths.append(Path(field_path, position, None) if track else None)
                    slots.append((items, position))
            else:
                sources.append(value)
                child_paths.append(field_path)
                slots.append((results[index], key))
        if not sources:
            return
        # Type checks and type resolvers look at the object, the schema and the field's name
        # only; one resolve info serves every object.
        info = self.executor.build_resolve_info(
            field_plan.field_def,
            field_plan.field_nodes,
            plan.type,
            child_paths[0] or Path(paths[0], key, type_name),
        )
        if field_plan.child is not None:
            answers = await self._objects_checked(field_plan.child, sources, child_paths, info)
        else:
            answers = await self._variants(field_plan, sources, child_paths, info)
        for (container, slot), answer in zip(slots, answers, strict=True):
            container[slot] = answer

    async def _objects_checked(
        self, plan: ObjectPlan, sources: list[Any], paths: list[Path | None], info: Any
    ) -> list[dict[str, Any]]:
        is_type_of = plan.type.is_type_of
        if is_type_of is not None:
            for source in sources:
                if is_type_of(source, info) is not True:
                    raise PlanAborted
        return await self.objects(plan, sources, paths)

    async def _variants(
        self, field_plan: FieldPlan, sources: list[Any], paths: list[Path | None], info: Any
    ) -> list[dict[str, Any]]:
        """Objects of a union or interface: grouped by the type each resolves to."""
        abstract = field_plan.abstract
        variants = field_plan.variants
        assert abstract is not None
        assert variants is not None
        resolve_type = abstract.resolve_type or self.executor.type_resolver
        groups: dict[str, list[int]] = {}
        for index, source in enumerate(sources):
            try:
                name = resolve_type(source, info, abstract)
            except Exception as error:
                raise PlanAborted from error
            # Awaitable or unknown type names are graphql-core's to answer or report.
            if not isinstance(name, str) or name not in variants:
                raise PlanAborted
            groups.setdefault(name, []).append(index)
        runs = [
            self._objects_checked(
                variants[name], [sources[i] for i in indexes], [paths[i] for i in indexes], info
            )
            for name, indexes in groups.items()
        ]
        # One group, the usual case, is awaited directly, as an object field is: its loads
        # then land in the same DataLoader batch as its siblings'.
        answered = [await runs[0]] if len(runs) == 1 else await _all(runs)
        answers: list[Any] = [None] * len(sources)
        for indexes, group_answers in zip(groups.values(), answered, strict=True):
            for index, answer in zip(indexes, group_answers, strict=True):
                answers[index] = answer
        return answers


class CompiledExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, running planned documents without graphql-core's field walk."""

    plans: ClassVar[PlanCache]

    def execute_operation(self, serially: bool | None = None) -> AwaitableOrValue[Any]:
        if self.middleware_manager is not None and self.middleware_manager.middlewares:
            return super().execute_operation(serially)
        plan = self.plans.get(self)
        if plan is None:
            return super().execute_operation(serially)
        return self._run(plan, serially)

    async def _run(self, plan: ObjectPlan, serially: bool | None) -> Any:
        try:
            (data,) = await Run(self).objects(plan, [self.root_value], [None])
        except PlanAborted:
            # graphql-core answers with its located errors and null propagation.
            result = super().execute_operation(serially)
            return await result if self.is_awaitable(result) else result
        return self.build_response(data)


def compiled_executor_class() -> type[CompiledExecutor]:
    """A fresh executor class with its own plan cache, for one schema."""
    return type("CompiledExecutor", (CompiledExecutor,), {"plans": PlanCache()})
