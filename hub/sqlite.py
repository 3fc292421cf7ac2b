"""The SQLite engine the hub gives Tortoise: writers wait their turn instead of failing.

Several processes write to one SQLite file (``hub serve`` while ``hub import`` runs). Two
things make them queue up rather than fail with ``database is locked``:

- ``busy_timeout`` (``HUB_SQLITE_BUSY_TIMEOUT``): a writer that finds the write lock taken waits
  for it, up to that long, and the journal is in WAL mode so readers never wait for writers.
- Transactions begin with ``BEGIN IMMEDIATE``. Tortoise begins them with a plain ``BEGIN``,
  which takes the write lock at the first write; a transaction that read first (a mutation
  checks that a slug is free, then inserts) and then finds another process wrote meanwhile
  cannot wait, because its snapshot is stale: SQLite answers ``SQLITE_BUSY`` at once, without
  calling the busy handler. Taking the lock at ``BEGIN`` is where waiting can work.

Tortoise finds this module through the ``engine`` of the connection (see :mod:`hub.db`); its
pragmas (``journal_mode``, ``busy_timeout``, ...) are the connection's credentials.
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.base.client import TransactionalDBClient, TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.connection import get_connections
from tortoise.exceptions import OperationalError, TransactionManagementError

ENGINE = "hub.sqlite"


class ImmediateTransaction(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if is_busy(error):
                # Still "database is locked" after the busy timeout: the caller reports it.
                raise OperationalError(error) from error
            raise TransactionManagementError(error) from error


class ImmediateTransactionContext(SqliteTransactionContext):
    async def __aenter__(self) -> TransactionalDBClient:
        # Tortoise's own __aenter__ keeps its lock when BEGIN fails, and BEGIN IMMEDIATE can
        # fail (the busy timeout ran out): the process's next transaction would wait forever.
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
            self.token = get_connections().set(self.connection_name, self.connection)
            try:
                await self.connection.begin()
            except BaseException:
                get_connections().reset(self.token)
                raise
        except BaseException:
            self._trxlock.release()
            raise
        return self.connection  # type: ignore[no-any-return]


class HubSqliteClient(SqliteClient):
    def _in_transaction(self) -> TransactionContext:
        return ImmediateTransactionContext(ImmediateTransaction(self), self._lock)


#: What Tortoise instantiates for ``"engine": "hub.sqlite"``.
client_class = HubSqliteClient


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` (as raised by sqlite3 or by Tortoise) is SQLite's ``SQLITE_BUSY``:
    another connection held the write lock for longer than the busy timeout."""
    if isinstance(error, OperationalError) and error.args:
        cause = error.args[0]
        if isinstance(cause, BaseException):
            error = cause
    if not isinstance(error, sqlite3.OperationalError):
        return False
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return bool(code & 0xFF == sqlite3.SQLITE_BUSY)
    return "database is locked" in str(error)
