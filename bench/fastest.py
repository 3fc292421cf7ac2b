"""The yardstick: the fastest hand-written server for the benchmark's answers on SQLite.

Bare Starlette, the hand-written SQL of ``bench/sqlite_rows.py`` (two statements per page or
post) and orjson, with the standard library's ``sqlite3`` called directly on the event loop's
thread: no driver thread to hop to and back, which is half of what the aiosqlite baseline
spends. One read-only connection per process; the hub's database is in WAL mode, so reading never
waits for a writer. A statement blocks the loop while it runs, which is what a single-threaded
server doing only this work can afford.

Serve it with ``python -m uvicorn --factory bench.fastest:create_app`` (``HUB_DATA_DIR`` says
where ``hub.sqlite3`` is).
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from bench.handwritten import Store, application, sqlite_path
from bench.sqlite_rows import SQLiteRows


def read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection to the hub's database, which must be in WAL mode."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
    if mode != "wal":
        connection.close()
        raise RuntimeError(f"{path} is in {mode} mode, not WAL: has `hub migrate` run on it?")
    return connection


class Sqlite3Store(SQLiteRows):
    """One sqlite3 connection used from the event loop's thread, counting its statements."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.statements = 0

    async def rows(self, sql: str, parameters: Sequence[Any]) -> list[Sequence[Any]]:
        self.statements += 1
        return self.connection.execute(sql, parameters).fetchall()


def create_app(database: Path | None = None) -> Starlette:
    """The fastest server over ``database`` (default: ``$HUB_DATA_DIR/hub.sqlite3``)."""
    path = sqlite_path(database)

    @asynccontextmanager
    async def open_store() -> AsyncIterator[Store]:
        connection = read_only(path)
        try:
            yield Sqlite3Store(connection)
        finally:
            connection.close()

    return application(open_store)
