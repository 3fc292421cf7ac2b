"""Search backends: one interface, SQLite FTS5 and PostgreSQL full-text search behind it."""

from __future__ import annotations

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from hub_search.backends.base import SearchBackend


def current_backend(client: BaseDBAsyncClient | None = None) -> SearchBackend:
    """The backend for the database the hub is connected to (or for ``client``)."""
    client = client or connections.get("default")
    if client.capabilities.dialect == "sqlite":
        from hub_search.backends.sqlite import SQLiteBackend

        return SQLiteBackend(client)
    from hub_search.backends.postgres import PostgresBackend

    return PostgresBackend(client)
