"""The hub's SQLite engine: the pragmas it opens with and the lock its transactions take.

``hub.sqlite`` subclasses Tortoise's SQLite client and uses its private ``_in_transaction``,
``_connection`` and ``_trxlock``: these tests fail if a Tortoise upgrade changes them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tortoise import Tortoise, connections
from tortoise.exceptions import OperationalError
from tortoise.transactions import in_transaction

from hub.db import config_for
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from hub.sqlite import HubSqliteClient


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
