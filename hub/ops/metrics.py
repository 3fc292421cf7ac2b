"""``/metrics`` for Prometheus, and what feeds it: GraphQL requests by operation, SQL timings.

prometheus-client's multiprocess mode is used when ``PROMETHEUS_MULTIPROC_DIR`` is set: each
worker writes its values to files there, and whichever worker is scraped sums them all.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from functools import wraps
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension
from tortoise.backends.base.client import BaseDBAsyncClient

from hub import metrics
from hub.ops.settings import MetricsAccess

METRICS_PATH = "/metrics"
GRAPHQL_PATH = "/graphql"
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"


def routes(access: MetricsAccess) -> list[BaseRoute]:
    async def serve_metrics(request: Request) -> Response:
        if access.token is not None and not _bearer_matches(request, access.token):
            return JSONResponse(
                {"error": "Send the HUB_METRICS token as `Authorization: Bearer <token>`."},
                status_code=401,
                headers={"www-authenticate": 'Bearer realm="metrics"', "cache-control": "no-store"},
            )
        return Response(
            exposition(),
            media_type=CONTENT_TYPE_LATEST,
            headers={"cache-control": "no-store"},
        )

    return [Route(METRICS_PATH, serve_metrics, methods=["GET"], include_in_schema=False)]


def _bearer_matches(request: Request, token: str) -> bool:
    scheme, _, sent = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(sent.strip(), token)


def exposition() -> bytes:
    """Every metric of the default registry, summed over the workers in multiprocess mode."""
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


class GraphQLRequestMetrics:
    """Counts and times each ``/graphql`` request under its operation's name.

    Outside the plugins' middleware, so answers from a cache and refusals count too.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != GRAPHQL_PATH:
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        status = 500
        started = time.perf_counter()

        async def watching_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        finally:
            label = metrics.operation_of(state) or metrics.NO_OPERATION
            metrics.GRAPHQL_REQUESTS.labels(operation=label, status=str(status)).inc()
            metrics.GRAPHQL_REQUEST_SECONDS.labels(operation=label).observe(
                time.perf_counter() - started
            )


class OperationName(SchemaExtension):
    """Leaves the executed operation's name where :class:`GraphQLRequestMetrics` finds it."""

    def on_operation(self) -> Iterator[None]:
        yield
        request = getattr(self.execution_context.context, "request", None)
        if request is None or request.scope.get("type") != "http":
            return
        try:
            name = self.execution_context.operation_name
        except Exception:  # a document that did not parse has no operation to name
            return
        metrics.name_operation(request.scope.setdefault("state", {}), name)


#: The client methods every statement goes through (Tortoise's public connection API).
STATEMENT_METHODS = (
    "execute_insert",
    "execute_many",
    "execute_query",
    "execute_query_dict",
    "execute_script",
)
_in_statement: ContextVar[bool] = ContextVar("hub_in_statement", default=False)


def time_sql_statements() -> None:
    """Time every statement of every Tortoise client class loaded, once per process.

    A method that calls another (``execute_query_dict`` through ``execute_query``) is one
    statement, timed once.
    """
    for client_class in _subclasses(BaseDBAsyncClient):
        for name in STATEMENT_METHODS:
            method = client_class.__dict__.get(name)
            if method is not None and not getattr(method, "hub_timed", False):
                setattr(client_class, name, _timed(method))


def _subclasses(cls: type) -> Iterator[type]:
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def _timed(method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @wraps(method)
    async def timed(*args: Any, **kwargs: Any) -> Any:
        if _in_statement.get():
            return await method(*args, **kwargs)
        token = _in_statement.set(True)
        started = time.perf_counter()
        try:
            return await method(*args, **kwargs)
        finally:
            metrics.SQL_STATEMENT_SECONDS.observe(time.perf_counter() - started)
            _in_statement.reset(token)

    timed.hub_timed = True  # type: ignore[attr-defined]
    return timed
