"""Running a planned document (:mod:`hub.graphql.compiled_plans`) level by level: attributes
read in a loop, resolvers called as graphql-core calls them, loaded fields asked of their loader
once per level, and every level's awaitables gathered together so DataLoaders batch. Anything only
graphql-core answers exactly (an error, a null in a non-null field) raises :class:`PlanAborted`,
and graphql-core runs the operation again."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any

from graphql.execution.values import get_argument_values
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from hub.graphql.batching import load_at_once
from hub.graphql.compiled_plans import FieldPlan, ObjectPlan, children_of
from hub.graphql.loaded import LoadedBy


class PlanAborted(Exception):
    """A planned run met something only graphql-core answers exactly (errors, nulls)."""


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


def _shortcut(loaded: LoadedBy, context: Any) -> Callable[[Any], Any] | None:
    """A reader for a loaded field whose loader this request does not need, else ``None``."""
    return None if loaded.unless is None else loaded.unless(context)


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
        context = self.executor.context_value
        unfinished: list[Awaitable[None]] = []
        for field_plan in plan.fields:
            read = field_plan.read
            waiting: list[int] = []
            loaded = field_plan.loaded
            if loaded is not None and (read := _shortcut(loaded, context)) is None:
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
        track = any(child.needs_paths for child in children_of(field_plan))
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
