"""Health and readiness probes, metrics and log settings, as a default plugin."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from hub.hookimpl import hookimpl
from hub.ops import health, metrics
from hub.ops import settings as ops_settings
from hub.ops.endpoints import OperationsEndpoints
from hub.settings import Setting, Settings

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from strawberry.extensions import SchemaExtension


@hookimpl
def register_settings() -> Sequence[Setting[Any]]:
    return ops_settings.DECLARED


def operations_routes(settings: Settings) -> list[BaseRoute]:
    access = ops_settings.metrics_access(settings)
    return [*health.routes(), *(metrics.routes(access) if access.enabled else ())]


@hookimpl
def register_routes(settings: Settings) -> Sequence[BaseRoute]:
    # Answered by OperationsEndpoints; declared here too, so a plugin serving one of these paths
    # stops start-up instead of being silently shadowed.
    return operations_routes(settings)


@hookimpl
def register_middleware(settings: Settings) -> Sequence[Middleware]:
    middleware = [Middleware(OperationsEndpoints, routes=operations_routes(settings))]
    if ops_settings.metrics_access(settings).enabled:
        middleware.append(Middleware(metrics.GraphQLRequestMetrics))
    return middleware


@hookimpl
def register_schema_extensions(settings: Settings) -> Sequence[type[SchemaExtension]]:
    if not ops_settings.metrics_access(settings).enabled:
        return []
    return [metrics.OperationName]


@hookimpl
def readiness_checks(app: Starlette, settings: Settings) -> Mapping[str, Callable[[], Any]]:
    return health.core_checks(app, settings)


@hookimpl
def startup(app: Starlette, settings: Settings) -> None:
    health.collect_checks(app, settings)
    if ops_settings.metrics_access(settings).enabled:
        # Process-wide and once: the ORM's client classes are shared by every app in it.
        metrics.time_sql_statements()
