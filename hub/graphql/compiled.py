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

The work is in three modules: this one (the executor Strawberry is given),
:mod:`hub.graphql.compiled_plans` (planning a document) and :mod:`hub.graphql.compiled_run`
(running a plan).
"""

from __future__ import annotations

from typing import Any, ClassVar

from graphql.pyutils import AwaitableOrValue
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from hub.graphql.compiled_plans import ObjectPlan, PlanCache
from hub.graphql.compiled_run import PlanAborted, Run


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
