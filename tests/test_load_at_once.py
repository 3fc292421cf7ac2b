"""``load_at_once``: a whole level's keys in one call of a loader's batch function, through the
loader's own cache, with the answers ``load_many`` would give."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Sequence
from typing import Any

import pytest
from strawberry.dataloader import DataLoader

from hub.graphql.loaded import load_at_once


class Recorder:
    """A batch function that doubles its keys and records every call."""

    def __init__(self, fail: Exception | None = None, values: list[Any] | None = None) -> None:
        self.calls: list[list[int]] = []
        self.fail = fail
        self.values = values
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self, keys: Sequence[int]) -> list[Any]:
        self.calls.append(list(keys))
        await self.release.wait()
        if self.fail is not None:
            raise self.fail
        return self.values if self.values is not None else [key * 2 for key in keys]


async def test_answers_like_load_many_in_one_call_and_fills_the_cache() -> None:
    batch = Recorder()
    loader = DataLoader(batch)

    assert await load_at_once(loader, [3, 1, 3, 2]) == [6, 2, 6, 4]
    assert batch.calls == [[3, 1, 2]]
    # The cache now answers: load() and a second level ask nothing more.
    assert await loader.load(1) == 2
    assert await load_at_once(loader, [2, 5]) == [4, 10]
    assert batch.calls == [[3, 1, 2], [5]]


async def test_keys_in_flight_are_awaited_not_asked_again() -> None:
    batch = Recorder()
    batch.release.clear()
    loader = DataLoader(batch)

    first = asyncio.ensure_future(load_at_once(loader, [1, 2]))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(load_at_once(loader, [2, 3]))
    single = loader.load(1)
    await asyncio.sleep(0)
    batch.release.set()

    assert await first == [2, 4]
    assert await second == [4, 6]
    assert await single == 2
    assert batch.calls == [[1, 2], [3]]


async def test_keys_the_loader_was_primed_with_are_not_asked() -> None:
    batch = Recorder()
    loader = DataLoader(batch)
    loader.prime(7, 700)

    assert await load_at_once(loader, [7, 8]) == [700, 16]
    assert batch.calls == [[8]]


async def test_max_batch_size_splits_the_calls() -> None:
    batch = Recorder()
    loader = DataLoader(batch, max_batch_size=2)

    assert await load_at_once(loader, [1, 2, 3, 4, 5]) == [2, 4, 6, 8, 10]
    assert batch.calls == [[1, 2], [3, 4], [5]]


async def test_a_loader_without_cache_still_answers() -> None:
    batch = Recorder()
    loader = DataLoader(batch, cache=False)

    assert await load_at_once(loader, [1, 1]) == [2, 2]
    assert await load_at_once(loader, [1]) == [2]
    assert batch.calls == [[1], [1]]


async def test_a_failing_batch_fails_every_key_as_load_would(
    caplog: pytest.LogCaptureFixture,
) -> None:
    batch = Recorder(fail=RuntimeError("database gone"))
    loader = DataLoader(batch)

    with pytest.raises(RuntimeError, match="database gone") as raised:
        await load_at_once(loader, [1, 2])
    # Like a DataLoader batch, the failure stays cached for the request.
    with pytest.raises(RuntimeError, match="database gone"):
        await loader.load(2)
    del loader, raised  # key 1's future, never awaited, goes: asyncio must not log it as lost
    gc.collect()
    assert "never retrieved" not in caplog.text


async def test_wrong_number_of_values_and_error_values_are_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with pytest.raises(ValueError, match="2 keys got 1 values"):
        await load_at_once(DataLoader(Recorder(values=[1])), [1, 2])

    loader = DataLoader(Recorder(values=[1, KeyError("no such post"), KeyError("gone too")]))
    with pytest.raises(KeyError, match="no such post"):
        await load_at_once(loader, [1, 2, 3])
    assert await loader.load(1) == 1
    del loader
    gc.collect()
    assert "never retrieved" not in caplog.text
