"""Counting the SQL statements the hub sends: in tests and the bench (:func:`statements_logged`,
public as ``hub.testing.sql_statements``) and per request in debug mode (``X-Hub-SQL-Statements``).

Tortoise logs every statement it sends on the ``tortoise.db_client`` logger at DEBUG level, from
the task that sends it. A handler on that logger adds each one to the tally of the request that
task works for, held in a context variable: the tasks a request starts (DataLoader batches,
middleware's ``call_next``) copy its context and so share its tally, and concurrent requests
never count each other's statements. The header goes out with the response's first bytes, so a
body streamed afterwards (none of the hub's today) would not have its statements in it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADER = "x-hub-sql-statements"
#: What counts as a statement: what the application asked for, not the driver's bookkeeping
#: (BEGIN, SAVEPOINT, connection set-up); one rule for the tests, the bench and the header.
SQL_VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")

TORTOISE_LOGGER = logging.getLogger("tortoise.db_client")


def is_statement(message: str) -> bool:
    """Whether a line Tortoise logged is a statement the application sent."""
    return message.lstrip().upper().startswith(SQL_VERBS)


class StatementLog(logging.Handler):
    """The statements Tortoise sent while installed (exact, unlike timings)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if is_statement(message):
            self.statements.append(message.lstrip())

    def reset(self) -> None:
        self.statements.clear()

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def statements_logged() -> Iterator[StatementLog]:
    """Every statement Tortoise sends while open, from any task, in a :class:`StatementLog`."""
    log = StatementLog()
    previous = TORTOISE_LOGGER.level
    TORTOISE_LOGGER.addHandler(log)
    if not TORTOISE_LOGGER.isEnabledFor(logging.DEBUG):
        TORTOISE_LOGGER.setLevel(logging.DEBUG)
    try:
        yield log
    finally:
        TORTOISE_LOGGER.removeHandler(log)
        TORTOISE_LOGGER.setLevel(previous)


@dataclass(slots=True)
class Tally:
    statements: int = 0


_current: ContextVar[Tally | None] = ContextVar("hub_sql_statements", default=None)


class _CountStatements(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        tally = _current.get()
        if tally is not None and is_statement(record.getMessage()):
            tally.statements += 1


@dataclass
class _Installation:
    """One handler for the process, however many apps count (tests start several)."""

    handler: logging.Handler
    users: int = 0
    level_before: int = logging.NOTSET


_installation = _Installation(_CountStatements(logging.DEBUG))


@contextmanager
def statements_counted() -> Iterator[None]:
    """While open, the statements Tortoise sends are added to the current request's tally."""
    if _installation.users == 0:
        _installation.level_before = TORTOISE_LOGGER.level
        TORTOISE_LOGGER.addHandler(_installation.handler)
        if not TORTOISE_LOGGER.isEnabledFor(logging.DEBUG):
            TORTOISE_LOGGER.setLevel(logging.DEBUG)
    _installation.users += 1
    try:
        yield
    finally:
        _installation.users -= 1
        if _installation.users == 0:
            TORTOISE_LOGGER.removeHandler(_installation.handler)
            TORTOISE_LOGGER.setLevel(_installation.level_before)


class SQLStatementsHeader:
    """Add ``X-Hub-SQL-Statements: N`` to every HTTP response: the statements sent before it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tally = Tally()
        token = _current.set(tally)

        async def send_with_count(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append(HEADER, str(tally.statements))
            await send(message)

        try:
            await self.app(scope, receive, send_with_count)
        finally:
            _current.reset(token)
