"""Batch functions of several DataLoaders answered by one call, when they are called together.

A post's authors, themes and sections are three DataLoaders, and a page of posts usually asks
all three in the same loop turn. Each statement costs a round trip to the database (on SQLite a
hop to aiosqlite's thread and back, ~45 µs of the event loop's time, more than running the
statement), so their batch functions hand their keys to one :class:`CombinedCalls`, which
fetches every part asked in the same loop turn in one call, at the next turn::

    combined = context.loaders.shared("post_relations", lambda: CombinedCalls(fetch))
    authors = await combined.load("authors", post_ids)

The loaders keep their own caches and batches; only the call underneath is shared. A part
asked alone is fetched alone, in the same way. DataLoaders (and the compiled executor's
``load_at_once``) call the batch functions of one level's loaders in the same turn.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from functools import partial
from typing import Any, Generic, TypeVar

from hub.graphql.batching import LoadInterrupted

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

#: Gets each asked part's keys (no key twice), returns each part's value for every key.
Fetch = Callable[[Mapping[str, Sequence[K]]], Awaitable[Mapping[str, Mapping[K, V]]]]


class CombinedCalls(Generic[K, V]):
    """One ``fetch`` for every ``load`` made within the same loop turn, whichever the part."""

    def __init__(self, fetch: Fetch[K, V]) -> None:
        self._fetch = fetch
        self._asked: dict[str, dict[K, None]] | None = None
        self._answer: asyncio.Future[Mapping[str, Mapping[K, V]]] | None = None
        # The loop keeps only weak references to tasks.
        self._sending: set[asyncio.Task[None]] = set()

    async def load(self, part: str, keys: Sequence[K]) -> list[V | None]:
        """The values of ``part`` for ``keys``, in their order; ``None`` where none was found."""
        if self._asked is None or self._answer is None:
            loop = asyncio.get_running_loop()
            self._asked, self._answer = {}, loop.create_future()
            # A task of its own sends the call: a caller cancelled meanwhile must not take the
            # others' answer with it.
            task = loop.create_task(self._send(self._asked, self._answer))
            self._sending.add(task)
            task.add_done_callback(partial(self._sent, answer=self._answer))
        self._asked.setdefault(part, {}).update(dict.fromkeys(keys))
        try:
            # Shielded: a load cancelled while it waits leaves the call to the others.
            answer = await asyncio.shield(self._answer)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # this load itself is being cancelled
            raise LoadInterrupted("the combined call this load waited for was cancelled") from None
        values = answer.get(part, {})
        return [values.get(key) for key in keys]

    def _sent(self, task: asyncio.Task[None], answer: asyncio.Future[Any]) -> None:
        self._sending.discard(task)
        # A task cancelled before its first step never ran: nobody may wait on its round.
        if not answer.done():
            answer.cancel()
        if self._answer is answer:
            self._asked = self._answer = None

    async def _send(
        self,
        asked: dict[str, dict[K, None]],
        answer: asyncio.Future[Mapping[str, Mapping[K, V]]],
    ) -> None:
        # A task's first step runs in the next loop turn: every load of this turn has joined.
        self._asked = self._answer = None  # loads from here on make the next round
        try:
            fetched = await self._fetch({part: list(keys) for part, keys in asked.items()})
        except asyncio.CancelledError:  # the loop is closing: nobody may wait forever
            answer.cancel()
            raise
        except Exception as error:
            answer.set_exception(error)
            answer.exception()  # retrieved: every waiting load raises it
            return
        answer.set_result(fetched)
