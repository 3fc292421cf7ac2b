"""The earlier baseline, kept for continuity: the hand-written SQL sent through aiosqlite.

It answers like ``bench/fastest.py`` (the same two statements per page or post, from
``bench/sqlite_rows.py``) through the driver the hub uses on SQLite, aiosqlite, with one
connection: every statement hops to the driver's thread and back. The README's history of
ratios is against this server; the yardstick is now the fastest one.

Serve it with ``python -m uvicorn --factory bench.baseline:create_app`` (``HUB_DATA_DIR`` says
where ``hub.sqlite3`` is).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite
from starlette.applications import Starlette

from bench.handwritten import Store, application, sqlite_path
from bench.sqlite_rows import SQLiteRows


class AiosqliteStore(SQLiteRows):
    """One aiosqlite connection and a count of the statements sent through it."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection
        self.statements = 0

    async def rows(self, sql: str, parameters: Sequence[Any]) -> list[Sequence[Any]]:
        self.statements += 1
        async with self.connection.execute(sql, parameters) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]


def create_app(database: Path | None = None) -> Starlette:
    """The baseline over ``database`` (default: ``$HUB_DATA_DIR/hub.sqlite3``)."""
    path = sqlite_path(database)

    @asynccontextmanager
    async def open_store() -> AsyncIterator[Store]:
        async with aiosqlite.connect(path) as connection:
            yield AiosqliteStore(connection)

    return application(open_store)
