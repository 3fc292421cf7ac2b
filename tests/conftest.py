"""One fixture gives each test a fresh database: SQLite always, PostgreSQL when reachable.

``HUB_TEST_POSTGRES=required`` (set by ``.ci/run``) turns "PostgreSQL is not reachable" from a
skip into a failure, so CI can never pass by skipping.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from hub.app import create_app
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from hub.sql_statements import StatementLog
from hub.testing import sql_statements

POSTGRES_HOST = os.environ.get("HUB_TEST_POSTGRES_HOST", "127.0.0.1")
POSTGRES_PORT = int(os.environ.get("HUB_TEST_POSTGRES_PORT", "5432"))
POSTGRES_USER = os.environ.get("HUB_TEST_POSTGRES_USER", "postgres")
POSTGRES_ADMIN_DB = os.environ.get("HUB_TEST_POSTGRES_DB", "test")


def requirement(service: str) -> str:
    return os.environ.get(f"HUB_TEST_{service.upper()}", "auto").lower()


def skip_or_fail(service: str, reason: str) -> None:
    if requirement(service) == "required":
        pytest.fail(f"{reason} (HUB_TEST_{service.upper()}=required)")
    pytest.skip(reason)


def postgres_reachable() -> bool:
    try:
        with socket.create_connection((POSTGRES_HOST, POSTGRES_PORT), timeout=1):
            return True
    except OSError:
        return False


def backends() -> list[Any]:
    return ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


#: For a test about one backend's own machinery (its query plans, its SQL dialect): it runs on
#: that backend only, rather than being collected for both and skipped on one.
only_sqlite = pytest.mark.parametrize("database_url", backends()[:1], indirect=True)
only_postgres = pytest.mark.parametrize("database_url", backends()[1:], indirect=True)


@pytest.fixture(params=backends())
async def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> AsyncIterator[str]:
    """A URL of an empty database of each backend, dropped after the test."""
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'hub.sqlite3'}"
        return
    if not postgres_reachable():
        skip_or_fail("postgres", f"PostgreSQL is not reachable on {POSTGRES_HOST}:{POSTGRES_PORT}")
    name = f"hub_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(
        host=POSTGRES_HOST, port=POSTGRES_PORT, user=POSTGRES_USER, database=POSTGRES_ADMIN_DB
    )
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield f"postgres://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
def settings(database_url: str, tmp_path: Any) -> Settings:
    return Settings(data_dir=tmp_path, database_url=database_url)


@pytest.fixture
def extra_plugins() -> list[object]:
    """Plugins a test adds to the defaults; override in a test module to add your own."""
    return []


@pytest.fixture
async def app(settings: Settings, extra_plugins: list[object]) -> AsyncIterator[Starlette]:
    """The hub, started (lifespan run) on a fresh database whose tables exist."""
    # Tortoise caches INSERT statements per connection *name*, not per backend: a test on
    # PostgreSQL after one on SQLite would reuse SQLite's "?" placeholders.
    EXECUTOR_CACHE.clear()
    pm = get_plugin_manager(extra_plugins=extra_plugins, load_entry_points=False)
    application = create_app(settings, pm)
    async with LifespanManager(application):
        await Tortoise.generate_schemas()
        yield application


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
        yield http


@dataclass
class GraphQLClient:
    http: httpx.AsyncClient
    headers: dict[str, str] = field(default_factory=dict)

    async def query(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The whole response body, asserting the HTTP layer answered 200."""
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The data of a query that must succeed without errors."""
        body = await self.query(query, variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data

    async def error(self, query: str, variables: dict[str, Any] | None = None) -> str:
        """The first error message of a query that must fail."""
        body = await self.query(query, variables)
        assert body.get("errors"), body
        message: str = body["errors"][0]["message"]
        return message


@pytest.fixture
def gql(client: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(client)


#: The tests' name for the public statement log (``hub.testing.sql_statements``).
SQLCounter = StatementLog


@pytest.fixture
def sql_counter() -> Iterator[SQLCounter]:
    with sql_statements() as counter:
        yield counter
