"""Batch functions called in the same loop turn share one fetch (hub.graphql.combined)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

import pytest

from hub.graphql.batching import LoadInterrupted
from hub.graphql.combined import CombinedCalls


class Source:
    """A fetch that records what it was asked and answers ``part:key`` for every key."""

    def __init__(self, fail: Exception | None = None, wait: asyncio.Event | None = None) -> None:
        self.calls: list[dict[str, list[int]]] = []
        self.asked = asyncio.Event()
        self.fail = fail
        self.wait = wait

    async def fetch(self, asked: Mapping[str, Sequence[int]]) -> dict[str, dict[int, str]]:
        self.calls.append({part: list(keys) for part, keys in asked.items()})
        self.asked.set()
        if self.wait is not None:
            await self.wait.wait()
        if self.fail is not None:
            raise self.fail
        # Key 0 is never found, as a post without authors.
        return {part: {key: f"{part}:{key}" for key in keys if key} for part, keys in asked.items()}


async def test_loads_of_one_turn_share_one_fetch_and_get_their_own_values() -> None:
    source = Source()
    combined: CombinedCalls[int, str] = CombinedCalls(source.fetch)
    authors, themes, more_authors = await asyncio.gather(
        combined.load("authors", [1, 2, 0]),
        combined.load("themes", [2]),
        combined.load("authors", [2, 3]),
    )
    assert source.calls == [{"authors": [1, 2, 0, 3], "themes": [2]}]
    assert authors == ["authors:1", "authors:2", None]
    assert themes == ["themes:2"]
    assert more_authors == ["authors:2", "authors:3"]


async def test_a_load_after_the_fetch_was_sent_starts_a_new_one() -> None:
    source = Source()
    combined: CombinedCalls[int, str] = CombinedCalls(source.fetch)
    assert await combined.load("authors", [1]) == ["authors:1"]
    assert await combined.load("themes", [1]) == ["themes:1"]
    assert source.calls == [{"authors": [1]}, {"themes": [1]}]


async def test_a_failed_fetch_fails_every_load_that_shared_it() -> None:
    combined: CombinedCalls[int, str] = CombinedCalls(Source(fail=RuntimeError("gone")).fetch)
    results = await asyncio.gather(
        combined.load("authors", [1]), combined.load("themes", [1]), return_exceptions=True
    )
    assert [str(result) for result in results] == ["gone", "gone"]
    assert all(isinstance(result, RuntimeError) for result in results)


async def test_a_cancelled_load_leaves_the_fetch_to_the_others() -> None:
    release = asyncio.Event()
    source = Source(wait=release)
    combined: CombinedCalls[int, str] = CombinedCalls(source.fetch)
    cancelled = asyncio.ensure_future(combined.load("authors", [1]))
    kept = asyncio.ensure_future(combined.load("themes", [1]))
    await source.asked.wait()
    cancelled.cancel()
    release.set()
    assert await kept == ["themes:1"]
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert len(source.calls) == 1


async def test_loads_waiting_on_a_cancelled_fetch_are_told_to_ask_again() -> None:
    release = asyncio.Event()
    source = Source(wait=release)
    combined: CombinedCalls[int, str] = CombinedCalls(source.fetch)
    waiting = asyncio.ensure_future(combined.load("authors", [1]))
    await source.asked.wait()
    (sending,) = combined._sending
    sending.cancel()
    with pytest.raises(LoadInterrupted):
        await asyncio.wait_for(waiting, timeout=5)  # not left waiting forever
    # The next load is a new round, answered normally.
    release.set()
    assert await combined.load("authors", [2]) == ["authors:2"]


async def test_a_fetch_cancelled_before_it_started_fails_its_loads_not_the_next() -> None:
    source = Source()
    combined: CombinedCalls[int, str] = CombinedCalls(source.fetch)
    waiting = asyncio.ensure_future(combined.load("authors", [1]))
    await asyncio.sleep(0)  # the load has joined; the sending task has not run yet
    (sending,) = combined._sending
    sending.cancel()
    with pytest.raises(LoadInterrupted):
        await asyncio.wait_for(waiting, timeout=5)  # not left waiting forever
    assert source.calls == []
    assert await combined.load("authors", [2]) == ["authors:2"]
