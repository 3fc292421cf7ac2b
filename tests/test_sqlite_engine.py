"""The hub's SQLite engine: the pragmas it opens with and the lock its transactions take.

``hub.sqlite`` subclasses Tortoise's SQLite client and uses its private ``_in_transaction``,
``_connection`` and ``_trxlock``: these tests fail if a Tortoise upgrade changes them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from tortoise import Tortoise, connections
from tortoise.exceptions import OperationalError
from tortoise.transactions import in_transaction

from hub.app import create_app
from hub.db import config_for
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from hub.sqlite import HubSqliteClient
from tests.plugin_helpers import make_plugin


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Path]:
    settings = Settings(data_dir=tmp_path, sqlite_busy_timeout=0.25)
    pm = get_plugin_manager(load_entry_points=False)
    await Tortoise.init(config=config_for(pm, settings))
    try:
        yield tmp_path / "hub.sqlite3"
    finally:
        await Tortoise.close_connections()


async def pragma(name: str) -> object:
    rows = await connections.get("default").execute_query_dict(f"PRAGMA {name}")
    return next(iter(rows[0].values()))


async def test_connections_open_in_wal_mode_with_the_configured_busy_timeout(
    database: Path,
) -> None:
    assert isinstance(connections.get("default"), HubSqliteClient)
    assert await pragma("journal_mode") == "wal"
    assert await pragma("busy_timeout") == 250
    assert await pragma("foreign_keys") == 1


def other_writer_can_begin(database: Path) -> bool:
    other = sqlite3.connect(database, isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


async def test_a_transaction_takes_the_write_lock_when_it_begins(database: Path) -> None:
    await connections.get("default").execute_script("CREATE TABLE note (text TEXT)")
    assert other_writer_can_begin(database)
    async with in_transaction() as connection:
        # Only read so far: a plain BEGIN would not hold the write lock yet.
        await connection.execute_query("SELECT count(*) FROM note")
        assert not other_writer_can_begin(database)
    assert other_writer_can_begin(database)


async def test_a_transaction_that_cannot_begin_leaves_the_connection_usable(
    database: Path,
) -> None:
    await connections.get("default").execute_script("CREATE TABLE note (text TEXT)")
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OperationalError, match="database is locked"):
            async with in_transaction():
                pass
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    async with in_transaction() as connection:
        await connection.execute_query("INSERT INTO note VALUES ('written')")
    assert await connections.get("default").execute_query_dict("SELECT text FROM note") == [
        {"text": "written"}
    ]


async def test_a_route_that_cannot_write_in_time_answers_503_asking_to_retry(
    tmp_path: Path,
) -> None:
    async def add_note(request: Request) -> Response:
        await connections.get("default").execute_query("INSERT INTO note VALUES ('x')")
        return PlainTextResponse("written")

    def register_routes(settings: Settings) -> list[Route]:
        return [Route("/notes/add", add_note, methods=["POST"])]

    pm = get_plugin_manager(
        extra_plugins=[make_plugin("notes", register_routes=register_routes)],
        load_entry_points=False,
    )
    app = create_app(Settings(data_dir=tmp_path, sqlite_busy_timeout=0.2), pm)
    async with LifespanManager(app):
        await connections.get("default").execute_script("CREATE TABLE note (text TEXT)")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
            holder = sqlite3.connect(tmp_path / "hub.sqlite3", isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")
            try:
                refused = await http.post("/notes/add")
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            assert refused.status_code == 503
            assert refused.headers["retry-after"] == "1"
            [error] = refused.json()["errors"]
            assert error["extensions"] == {"code": "DATABASE_BUSY"}
            assert "HUB_SQLITE_BUSY_TIMEOUT" in error["message"]
            assert (await http.post("/notes/add")).text == "written"
