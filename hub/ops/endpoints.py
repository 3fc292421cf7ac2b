"""Probes and metrics answered ahead of every plugin's middleware.

Orchestrators and scrapers call them every few seconds: no token check, rate limit or cache
should see those requests (and a scraper's bearer token is not an API token).
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Router
from starlette.types import ASGIApp, Receive, Scope, Send


class OperationsEndpoints:
    def __init__(self, app: ASGIApp, routes: list[BaseRoute]) -> None:
        self.app = app
        self.router = Router(routes=routes)
        self.paths = frozenset(str(getattr(route, "path", "")) for route in routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in self.paths:
            await self.router(scope, receive, send)
            return
        await self.app(scope, receive, send)
