"""Health and readiness probes, metrics and log settings, as a default plugin."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from hub.hookimpl import hookimpl
from hub.ops import health
from hub.ops import settings as ops_settings
from hub.settings import Setting, Settings

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.routing import BaseRoute


@hookimpl
def register_settings() -> Sequence[Setting[Any]]:
    return ops_settings.DECLARED


@hookimpl
def register_routes(settings: Settings) -> Sequence[BaseRoute]:
    return health.routes()


@hookimpl
def readiness_checks(app: Starlette, settings: Settings) -> Mapping[str, Callable[[], Any]]:
    return health.core_checks(app, settings)


@hookimpl
def startup(app: Starlette, settings: Settings) -> None:
    health.collect_checks(app, settings)
