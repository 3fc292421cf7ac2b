"""Every operation is measured against a budget before any resolver runs.

Requests get the hub's default budget (``HUB_MAX_QUERY_COST``); a plugin's middleware may grant
a request a budget of its own with :func:`grant_query_budget` (an API key's plan), which replaces
the default. An operation over its budget gets one error, ``QUERY_BUDGET_EXCEEDED``, naming the
limit, the operation's value and the maximum. An operation within it runs, and its cost is sent
in the ``Hub-Query-Cost`` response header.

The measure is kept per document (:mod:`hub.graphql.cost`), so only the comparison with the
budget is per request: budgets may differ per request and the validation cache is untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import Response
from strawberry.extensions import SchemaExtension

from hub.graphql.cost import Measure, MeasureCache
from hub.settings import Settings

#: Where a request's own budget waits in its ASGI scope's ``state``.
BUDGET_STATE_KEY = "hub_query_budget"
COST_HEADER = "hub-query-cost"


@dataclass(frozen=True)
class QueryBudget:
    """What one operation may ask. Limits left None are the core's own validation limits
    (``HUB_MAX_QUERY_DEPTH``, ``HUB_MAX_ALIASES``, ``HUB_MAX_TOKENS``), which apply anyway."""

    max_cost: int
    max_depth: int | None = None
    max_aliases: int | None = None
    max_tokens: int | None = None
    #: Whose limits these are, as the error message says it: "over {owner} max-cost of 5000".
    owner: str = "the default"
    #: Where the limits are set, named in the error message when given.
    setting: str | None = None


def default_budget(settings: Settings) -> QueryBudget:
    return QueryBudget(max_cost=settings.max_query_cost, setting="HUB_MAX_QUERY_COST")


def grant_query_budget(scope: MutableMapping[str, Any], budget: QueryBudget) -> None:
    """Give the request of this ASGI ``scope`` its own budget instead of the default.

    For ASGI middleware in front of ``/graphql`` (an API key's plan, say).
    """
    scope.setdefault("state", {})[BUDGET_STATE_KEY] = budget


def granted_budget(request: Request | None) -> QueryBudget | None:
    if request is None:
        return None
    budget = getattr(request.state, BUDGET_STATE_KEY, None)
    return budget if isinstance(budget, QueryBudget) else None


def over_budget(
    measured: Measure, budget: QueryBudget, variables: dict[str, Any] | None
) -> tuple[int, GraphQLError | None]:
    """The operation's cost, and the first limit it goes over as the client's error (or None)."""
    checks = (
        ("max-depth", "depth", measured.depth, budget.max_depth),
        ("max-aliases", "aliases", measured.aliases, budget.max_aliases),
        ("max-tokens", "tokens", measured.tokens, budget.max_tokens),
    )
    for limit, what, value, maximum in checks:
        if maximum is not None and value > maximum:
            return 0, budget_error(budget, limit, what, value, maximum)
    cost = measured.cost(variables)
    if cost > budget.max_cost:
        return cost, budget_error(budget, "max-cost", "cost", cost, budget.max_cost)
    return cost, None


def budget_error(
    budget: QueryBudget, limit: str, what: str, value: int, maximum: int
) -> GraphQLError:
    where = f" ({budget.setting})" if budget.setting else ""
    return GraphQLError(
        f"This operation's {what} is {value}, over {budget.owner} {limit} of {maximum}{where}: "
        "ask for fewer fields or smaller pages.",
        extensions={
            "code": "QUERY_BUDGET_EXCEEDED",
            "limit": limit,
            "value": value,
            "maximum": maximum,
        },
    )


_MEASURES = MeasureCache()


class QueryBudgetCheck(SchemaExtension):
    """Refuses an operation over its request's budget before any resolver runs."""

    def __init__(self, default: QueryBudget) -> None:
        super().__init__()
        self.default = default

    @classmethod
    def factory(cls, settings: Settings) -> Callable[[], QueryBudgetCheck]:
        default = default_budget(settings)
        return lambda: cls(default)

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        # After the core's validation (registered before): a refused document has its errors.
        if context.graphql_document is not None and context.pre_execution_errors == []:
            request = getattr(context.context, "request", None)
            budget = granted_budget(request) or self.default
            measured = _MEASURES.get(
                context.schema,
                context.graphql_document,
                context.query or "",
                context.operation_name,
            )
            cost, error = over_budget(measured, budget, context.variables)
            if error is not None:
                context.pre_execution_errors = [error]
            response = getattr(context.context, "response", None)
            if isinstance(response, Response) and error is None:
                # One value per operation, in order, when a batch runs several.
                response.headers.append(COST_HEADER, str(cost))
        yield
