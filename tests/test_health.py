"""`/healthz`: the process answers. `/readyz`: it can serve, or it names what is missing."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import hub_delivery.plugin
import pytest
from asgi_lifespan import LifespanManager
from tortoise import connections
from tortoise.backends.base.executor import EXECUTOR_CACHE

from hub import hookimpl
from hub.app import create_app
from hub.database import apply_migrations
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from tests.conftest import SQLCounter, skip_or_fail

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


async def started(
    settings: Settings, plugins: list[object], migrate: bool = True
) -> AsyncIterator[httpx.AsyncClient]:
    EXECUTOR_CACHE.clear()
    pm = get_plugin_manager(extra_plugins=plugins, load_entry_points=False)
    if migrate:
        await apply_migrations(pm, settings)
    app = create_app(settings, pm)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            yield client


@pytest.fixture
async def migrated(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The core hub on a database built by its migrations, as `hub migrate` leaves it."""
    async for client in started(settings, []):
        yield client


async def test_healthz_answers_without_touching_the_database(
    client: httpx.AsyncClient, sql_counter: SQLCounter
) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok\n"
    assert response.headers["cache-control"] == "no-store"
    assert sql_counter.count == 0


async def test_a_migrated_database_is_ready(migrated: httpx.AsyncClient) -> None:
    response = await migrated.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json() == {"ready": True, "checks": {"database": "ok", "migrations": "ok"}}
    assert response.headers["cache-control"] == "no-store"


async def test_a_database_missing_a_migration_is_not_ready_and_names_it(
    migrated: httpx.AsyncClient,
) -> None:
    await connections.get("default").execute_query(
        "DELETE FROM tortoise_migrations WHERE app = 'access'"
    )
    response = await migrated.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["ready"] is False
    assert body["not_ready"] == ["migrations"]
    assert body["checks"]["database"] == "ok"
    assert "access.0001_initial" in body["checks"]["migrations"]
    assert "hub.0001_initial" not in body["checks"]["migrations"]


async def test_a_database_never_migrated_is_not_ready(settings: Settings) -> None:
    async for client in started(settings, [], migrate=False):
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert "hub.0001_initial" in response.json()["checks"]["migrations"]


def failing_plugin(check: Callable[[], Any]) -> object:
    class Failing:
        @hookimpl
        def readiness_checks(self) -> dict[str, Callable[[], Any]]:
            return {"search_index": check}

    return Failing()


async def test_a_plugin_check_that_fails_or_raises_is_named(settings: Settings) -> None:
    async def behind() -> str:
        return "3 documents behind"

    async def broken() -> None:
        raise ConnectionRefusedError("connection refused")

    for check, reason in ((behind, "3 documents behind"), (broken, "connection refused")):
        async for client in started(settings, [failing_plugin(check)]):
            response = await client.get("/readyz")
            assert response.status_code == 503
            assert response.json()["not_ready"] == ["search_index"]
            assert reason in response.json()["checks"]["search_index"]


@pytest.fixture
def redis_url() -> str:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1):
            pass
    except OSError:
        skip_or_fail("redis", f"Redis is not reachable on {REDIS_HOST}:{REDIS_PORT}")
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/0"


async def test_readiness_checks_redis_when_it_is_configured(
    database_url: str, tmp_path: Path, redis_url: str
) -> None:
    for url, ready in ((redis_url, True), (f"redis://127.0.0.1:{closed_port()}/0", False)):
        settings = Settings(
            data_dir=tmp_path, database_url=database_url, extra={"HUB_REDIS_URL": url}
        )
        async for client in started(settings, [hub_delivery.plugin], migrate=ready):
            response = await client.get("/readyz")
            body = response.json()
            if ready:
                assert response.status_code == 200, body
                assert body["checks"]["redis"] == "ok"
            else:
                assert response.status_code == 503
                assert "redis" in body["not_ready"]
                assert "ConnectionError" in body["checks"]["redis"]


async def test_probes_are_never_rate_limited(database_url: str, tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        extra={"HUB_DELIVERY_ANONYMOUS_RATE": "6/min", "HUB_DELIVERY_ANONYMOUS_BURST": 1},
    )
    async for client in started(settings, [hub_delivery.plugin]):
        assert (await client.get("/graphql", params={"query": "{__typename}"})).status_code == 200
        assert (await client.get("/graphql", params={"query": "{__typename}"})).status_code == 429
        for _ in range(5):
            assert (await client.get("/healthz")).status_code == 200
            assert (await client.get("/readyz")).status_code == 200
