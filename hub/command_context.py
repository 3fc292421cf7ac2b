"""What a ``hub`` command needs from the hub: its settings, its plugins and an open database.

``hub``'s CLI carries one :class:`CommandContext` in typer's context object and makes it the
current one while a command runs (:func:`running`), so every
command, the core's or a plugin's, reads the same settings (the core's and every loaded plugin's)
and opens the same database the server would: the plugins' model apps, SQLite's busy timeout,
the check that migrations are applied. Problems are :class:`hub.CommandError`, which the CLI
prints as one line.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

import pluggy

from hub.database import open_database, pending_migrations
from hub.errors import CommandError
from hub.settings import Settings

T = TypeVar("T")


class DatabaseNotMigrated(CommandError):
    """Some migrations have not been applied; the message lists them."""


@dataclass(frozen=True)
class CommandContext:
    """The settings and plugin manager of the running ``hub`` command."""

    settings: Settings
    plugin_manager: pluggy.PluginManager

    @asynccontextmanager
    async def database(self, *, migrated: bool = True) -> AsyncIterator[None]:
        """The hub's database, open for the block; with ``migrated`` (the default), a database
        missing migrations is refused: changing a schema is ``hub migrate``'s decision."""
        async with open_database(self.plugin_manager, self.settings):
            if migrated:
                pending = await pending_migrations(self.plugin_manager, self.settings)
                if pending:
                    raise DatabaseNotMigrated(
                        f"the database is missing {len(pending)} migration(s) "
                        f"({', '.join(pending)}); run `hub migrate` first"
                    )
            yield

    def run_in_database(self, work: Callable[[], Awaitable[T]], *, migrated: bool = True) -> T:
        """Run ``work()`` with the database open (see :meth:`database`) and return its result."""

        async def run() -> T:
            async with self.database(migrated=migrated):
                return await work()

        return asyncio.run(run())


_running: ContextVar[CommandContext | None] = ContextVar("hub_command_context", default=None)


@contextmanager
def running(context: CommandContext) -> Iterator[None]:
    """Make ``context`` the current one while a command runs (``hub.cli`` does this)."""
    token = _running.set(context)
    try:
        yield
    finally:
        _running.reset(token)


def command_context() -> CommandContext:
    """The :class:`CommandContext` of the ``hub`` command running now.

    Call it inside a command function (not when ``register_commands`` adds the command).
    """
    found = _running.get()
    if found is None:
        raise RuntimeError(
            "hub.command_context() is only available while a `hub` command runs: call it inside "
            "the command function, under hub's CLI (hub.cli.build_cli or hub.testing.cli_runner)"
        )
    return found


def command_settings() -> Settings:
    """The running command's settings: the core's and every loaded plugin's."""
    return command_context().settings


def run_in_database(work: Callable[[], Awaitable[T]], *, migrated: bool = True) -> T:
    """Run ``work()`` with the hub's database open for the running command; its result.

    A database that cannot be opened or lacks migrations is a :class:`hub.CommandError`: the
    command ends with one line naming the problem and the fix.
    """
    return command_context().run_in_database(work, migrated=migrated)


def command_database(*, migrated: bool = True) -> AbstractAsyncContextManager[None]:
    """``async with hub.command_database(): ...``: the running command's database, open for the
    block (see :meth:`CommandContext.database`)."""
    return command_context().database(migrated=migrated)
