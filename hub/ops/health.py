"""``/healthz`` (the process answers) and ``/readyz`` (it can serve: database, migrations...).

An orchestrator restarts a process whose liveness probe fails and sends no traffic to one whose
readiness probe fails, so ``/healthz`` touches nothing but the event loop, and ``/readyz``
awaits every plugin's readiness check. Neither is ever cached.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from tortoise import connections

from hub.database import unrecorded_migrations, written_migrations
from hub.db import config_for
from hub.plugins import iter_results
from hub.settings import Settings

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
PROBE_PATHS = frozenset({HEALTH_PATH, READY_PATH})

#: Longest a readiness check may take before it counts as failed.
CHECK_TIMEOUT = 3.0
NO_STORE = {"cache-control": "no-store"}
STATE_KEY = "hub_readiness_checks"

ReadinessCheck = Callable[[], Awaitable[str | None]]


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok\n", headers=NO_STORE)


async def readyz(request: Request) -> Response:
    checks: list[tuple[str, ReadinessCheck]] = getattr(request.app.state, STATE_KEY, [])
    outcomes = await asyncio.gather(*(_run(check) for _, check in checks))
    results: dict[str, str] = {}
    for (name, _), outcome in zip(checks, outcomes, strict=True):
        if results.get(name, "ok") == "ok":
            results[name] = outcome
    ready = all(outcome == "ok" for outcome in results.values())
    not_ready = sorted(name for name, outcome in results.items() if outcome != "ok")
    body: dict[str, Any] = {"ready": ready, "checks": results}
    if not ready:
        body["not_ready"] = not_ready
    return JSONResponse(body, status_code=200 if ready else 503, headers=NO_STORE)


async def _run(check: ReadinessCheck) -> str:
    try:
        reason = await asyncio.wait_for(check(), CHECK_TIMEOUT)
    except TimeoutError:
        return f"no answer within {CHECK_TIMEOUT:g} s"
    except Exception as error:
        return f"{type(error).__name__}: {error}".strip()
    return "ok" if reason is None else reason


def routes() -> list[BaseRoute]:
    return [
        Route(HEALTH_PATH, healthz, methods=["GET", "HEAD"], include_in_schema=False),
        Route(READY_PATH, readyz, methods=["GET", "HEAD"], include_in_schema=False),
    ]


def collect_checks(app: Starlette, settings: Settings) -> None:
    """Ask every plugin for its checks, once; ``/readyz`` runs them on each call."""
    pm = app.state.hub.plugin_manager
    checks: list[tuple[str, ReadinessCheck]] = []
    for _, declared in iter_results(pm, "readiness_checks", app=app, settings=settings):
        checks.extend(dict(declared).items())
    setattr(app.state, STATE_KEY, checks)


def core_checks(app: Starlette, settings: Settings) -> Mapping[str, ReadinessCheck]:
    # Written migrations are read from disk once: new ones come with new code, and a restart.
    written = written_migrations(config_for(app.state.hub.plugin_manager, settings))

    async def database() -> str | None:
        await connections.get("default").execute_query("SELECT 1")
        return None

    async def migrations() -> str | None:
        missing = await unrecorded_migrations(connections.get("default"), written)
        if not missing:
            return None
        names = ", ".join(f"{key.app_label}.{key.name}" for key in missing)
        return f"not applied: {names} (run `hub migrate`)"

    return {"database": database, "migrations": migrations}
