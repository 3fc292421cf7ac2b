"""One fixture gives each test a fresh database: SQLite always, PostgreSQL when reachable.

``HUB_TEST_POSTGRES=required`` (set by ``.ci/run``) turns "PostgreSQL is not reachable" from a
skip into a failure, so CI can never pass by skipping.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest
import redis.asyncio as aioredis
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from hub.app import create_app
from hub.db import config_for
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from hub.sql_statements import StatementLog
from hub.testing import sql_statements

POSTGRES_HOST = os.environ.get("HUB_TEST_POSTGRES_HOST", "127.0.0.1")
POSTGRES_PORT = int(os.environ.get("HUB_TEST_POSTGRES_PORT", "5432"))
POSTGRES_USER = os.environ.get("HUB_TEST_POSTGRES_USER", "postgres")
POSTGRES_ADMIN_DB = os.environ.get("HUB_TEST_POSTGRES_DB", "test")
REDIS_HOST = os.environ.get("HUB_TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("HUB_TEST_REDIS_PORT", "6379"))


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


#: Empties a database the way CREATE DATABASE leaves it (PostgreSQL 15: a ``public`` schema owned
#: by the database owner, usable by everyone), after closing every other connection to it.
EMPTY_AGAIN = """
SELECT pg_terminate_backend(pid) FROM pg_stat_activity
 WHERE datname = current_database() AND pid <> pg_backend_pid();
DO $$
DECLARE name text;
BEGIN
    FOR name IN SELECT extname FROM pg_extension WHERE extname <> 'plpgsql' LOOP
        EXECUTE format('DROP EXTENSION %I CASCADE', name);
    END LOOP;
    FOR name IN SELECT nspname FROM pg_namespace
                 WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' LOOP
        EXECUTE format('DROP SCHEMA %I CASCADE', name);
    END LOOP;
    EXECUTE format('ALTER DATABASE %I RESET ALL', current_database());
END $$;
SELECT lo_unlink(oid) FROM pg_largeobject_metadata;
CREATE SCHEMA public AUTHORIZATION pg_database_owner;
GRANT USAGE ON SCHEMA public TO PUBLIC;
COMMENT ON SCHEMA public IS 'standard public schema';
"""


class PostgresDatabases:
    """The empty PostgreSQL databases of one test process, each used by one test at a time.

    Creating and dropping a database costs 1-3 s on a busy disk (a checkpoint and fsyncs),
    emptying one ~20 ms: a test gets a database another test of this process used and emptied,
    and the databases are dropped when the session ends. Every name is unique, so test processes
    (xdist workers, other checkouts) never share one.
    """

    def __init__(self) -> None:
        self.free: list[str] = []
        self.made: list[str] = []

    async def admin(self, database: str = POSTGRES_ADMIN_DB) -> asyncpg.Connection:
        return await asyncpg.connect(
            host=POSTGRES_HOST, port=POSTGRES_PORT, user=POSTGRES_USER, database=database
        )

    async def take(self) -> str:
        if self.free:
            return self.free.pop()
        name = f"hub_test_{uuid.uuid4().hex[:12]}"
        admin = await self.admin()
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        self.made.append(name)
        return name

    async def give_back(self, name: str) -> None:
        """Empties the database for the next test; one that cannot be emptied is dropped."""
        try:
            connection = await self.admin(name)
            try:
                await connection.execute(EMPTY_AGAIN)
            finally:
                await connection.close()
            await forget_shared_keys(url_of(name))
        except (OSError, asyncpg.PostgresError):
            await self.drop(name)
            return
        self.free.append(name)

    async def drop(self, name: str) -> None:
        admin = await self.admin()
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
        if name in self.made:
            self.made.remove(name)


def url_of(name: str) -> str:
    return f"postgres://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"


async def forget_shared_keys(database_url: str) -> None:
    """Deletes what hubs on this database left in Redis (leader lease, shared documents): keys are
    named by the database's URL (``Settings.shared_namespace``), which the next test reuses."""
    namespace = Settings(database_url=database_url).shared_namespace
    try:
        redis = aioredis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_connect_timeout=1)
    except aioredis.RedisError:
        return
    try:
        keys = [key async for key in redis.scan_iter(match=f"*{namespace}*")]
        if keys:
            await redis.delete(*keys)
    except (aioredis.RedisError, OSError):
        return
    finally:
        await redis.aclose()


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    databases = PostgresDatabases()
    yield databases

    async def drop_all() -> None:
        for name in list(databases.made):
            await databases.drop(name)

    if databases.made:
        asyncio.run(drop_all())


@pytest.fixture(params=backends())
async def database_url(
    request: pytest.FixtureRequest, tmp_path: Any, postgres_databases: PostgresDatabases
) -> AsyncIterator[str]:
    """A URL of an empty database of each backend, emptied or dropped after the test."""
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'hub.sqlite3'}"
        return
    if not postgres_reachable():
        skip_or_fail("postgres", f"PostgreSQL is not reachable on {POSTGRES_HOST}:{POSTGRES_PORT}")
    name = await postgres_databases.take()
    try:
        yield url_of(name)
    finally:
        await postgres_databases.give_back(name)


@pytest.fixture(autouse=True)
def fresh_insert_statements() -> None:
    """Tortoise caches INSERT statements per connection *name*, not per backend: a test on
    PostgreSQL after one on SQLite in the same process would reuse SQLite's "?" placeholders,
    whichever way the test starts the hub."""
    EXECUTOR_CACHE.clear()


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
    pm = get_plugin_manager(extra_plugins=extra_plugins, load_entry_points=False)
    application = create_app(settings, pm)
    # The tables exist before start-up, as after `hub migrate`: the plugins' background tasks
    # (webhook sender, scheduled posts) read them from their first turn on.
    await Tortoise.init(config=config_for(pm, settings))
    try:
        await Tortoise.generate_schemas()
    finally:
        await Tortoise.close_connections()
    # A loaded machine (the suite runs on several workers) can take more than the default 5 s.
    async with LifespanManager(application, startup_timeout=60, shutdown_timeout=60):
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
