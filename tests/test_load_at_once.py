"""``load_at_once``: a whole level's keys from a DataLoader, batched and cached as ``load_many``
would, with the answers ``load_many`` would give."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Sequence
from typing import Any

import pytest
from strawberry.dataloader import DataLoader
from strawberry.exceptions import WrongNumberOfResultsReturned

from hub.graphql.batching import LoadInterrupted, load_at_once

#: Long enough for any of these loads; a test that hangs fails instead.
PATIENCE = 2.0


class Recorder:
    """A batch function that doubles its keys and records every call.

    ``release`` holds calls until set; keys in ``fail_on`` make the whole call fail.
    """

    def __init__(self, values: list[Any] | None = None, fail_on: int | None = None) -> None:
        self.calls: list[list[Any]] = []
        self.values = values
        self.fail_on = fail_on
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self, keys: Sequence[Any]) -> list[Any]:
        self.calls.append(list(keys))
        await self.release.wait()
        if self.fail_on in keys:
            raise RuntimeError(f"cannot load {self.fail_on}")
        return self.values if self.values is not None else [key * 2 for key in keys]


async def settled(awaitable: Any) -> Any:
    return await asyncio.wait_for(awaitable, PATIENCE)


async def test_answers_like_load_many_in_one_call_and_fills_the_cache() -> None:
    batch = Recorder()
    loader = DataLoader(batch)

    assert await settled(load_at_once(loader, [3, 1, 3, 2])) == [6, 2, 6, 4]
    assert batch.calls == [[3, 1, 2]]
    # The cache now answers: load() and a second level ask nothing more.
    assert await settled(loader.load(1)) == 2
    assert await settled(load_at_once(loader, [2, 5])) == [4, 10]
    assert batch.calls == [[3, 1, 2], [5]]


async def test_loads_of_one_loop_turn_share_one_call() -> None:
    batch = Recorder()
    loader = DataLoader(batch)

    answers = await asyncio.gather(load_at_once(loader, [1, 2]), load_at_once(loader, [2, 3]))

    assert answers == [[2, 4], [4, 6]]
    assert batch.calls == [[1, 2, 3]]


async def test_a_load_started_a_turn_later_joins_the_same_call() -> None:
    # Branches of one level reach their loads a loop turn or two apart, as with a DataLoader.
    batch = Recorder()
    loader = DataLoader(batch)

    first = asyncio.ensure_future(load_at_once(loader, [1]))
    await asyncio.sleep(0)
    second = asyncio.ensure_future(load_at_once(loader, [2]))

    assert await settled(first) == [2]
    assert await settled(second) == [4]
    assert batch.calls == [[1, 2]]


async def test_a_key_the_cache_cannot_hash_leaves_nothing_waiting() -> None:
    batch = Recorder()
    loader = DataLoader(batch)

    with pytest.raises(TypeError):
        await settled(load_at_once(loader, [1, [2]]))

    assert await settled(loader.load(1)) == 2
    assert await settled(load_at_once(loader, [3])) == [6]


async def test_keys_in_flight_are_awaited_not_asked_again() -> None:
    batch = Recorder()
    batch.release.clear()
    loader = DataLoader(batch)

    first = asyncio.ensure_future(load_at_once(loader, [1, 2]))
    for _ in range(3):  # until the call is under way
        await asyncio.sleep(0)
    assert batch.calls == [[1, 2]]
    second = asyncio.ensure_future(load_at_once(loader, [2, 3]))
    single = loader.load(1)
    await asyncio.sleep(0)
    batch.release.set()

    assert await settled(first) == [2, 4]
    assert await settled(second) == [4, 6]
    assert await settled(single) == 2
    assert batch.calls == [[1, 2], [3]]


async def test_keys_the_loader_was_primed_with_are_not_asked() -> None:
    batch = Recorder()
    loader = DataLoader(batch)
    loader.prime(7, 700)

    assert await settled(load_at_once(loader, [7, 8])) == [700, 16]
    assert batch.calls == [[8]]


async def test_cache_key_fn_decides_which_keys_are_the_same() -> None:
    batch = Recorder(values=["first", "second"])
    loader = DataLoader(batch, cache_key_fn=lambda key: key["id"])

    answers = await settled(load_at_once(loader, [{"id": 1}, {"id": 2}, {"id": 1}]))

    assert answers == ["first", "second", "first"]
    assert batch.calls == [[{"id": 1}, {"id": 2}]]


async def test_max_batch_size_splits_the_calls_and_a_failing_call_fails_only_its_keys() -> None:
    batch = Recorder()
    loader = DataLoader(batch, max_batch_size=2)
    assert await settled(load_at_once(loader, [1, 2, 3, 4, 5])) == [2, 4, 6, 8, 10]
    assert batch.calls == [[1, 2], [3, 4], [5]]

    failing = DataLoader(Recorder(fail_on=13), max_batch_size=2)
    with pytest.raises(RuntimeError, match="cannot load 13"):
        await settled(load_at_once(failing, [11, 12, 13, 14, 15]))
    assert await settled(failing.load(15)) == 30
    assert await settled(failing.load(11)) == 22
    with pytest.raises(RuntimeError, match="cannot load 13"):
        await settled(failing.load(14))


async def test_a_loader_without_cache_asks_for_every_key_as_given() -> None:
    batch = Recorder()
    loader = DataLoader(batch, cache=False)

    assert await settled(load_at_once(loader, [1, 1])) == [2, 2]
    assert await settled(load_at_once(loader, [1])) == [2]
    assert batch.calls == [[1, 1], [1]]


async def test_a_failing_call_fails_every_key_and_stays_cached(
    caplog: pytest.LogCaptureFixture,
) -> None:
    batch = Recorder(fail_on=1)
    loader = DataLoader(batch)

    with pytest.raises(RuntimeError, match="cannot load 1") as raised:
        await settled(load_at_once(loader, [1, 2]))
    # Like a DataLoader batch, the failure stays cached for the request.
    with pytest.raises(RuntimeError, match="cannot load 1"):
        await settled(loader.load(2))
    assert len(batch.calls) == 1
    del loader, raised  # key 1's future goes unretrieved: asyncio must not log it as lost
    gc.collect()
    assert "never retrieved" not in caplog.text


async def test_wrong_number_of_values_and_error_values_are_errors(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with pytest.raises(WrongNumberOfResultsReturned):
        await settled(load_at_once(DataLoader(Recorder(values=[1])), [1, 2]))

    loader = DataLoader(Recorder(values=[1, KeyError("no such post"), KeyError("gone too")]))
    with pytest.raises(KeyError, match="no such post"):
        await settled(load_at_once(loader, [1, 2, 3]))
    assert await settled(loader.load(1)) == 1
    del loader
    gc.collect()
    assert "never retrieved" not in caplog.text


async def test_a_cancelled_load_leaves_nothing_that_blocks_the_next() -> None:
    # Over a WebSocket, one context (and its loaders) serves every operation of the
    # connection, and a client's "complete" cancels an operation mid-load.
    batch = Recorder()
    batch.release.clear()
    loader = DataLoader(batch)

    cancelled = asyncio.ensure_future(load_at_once(loader, [1, 2]))
    for _ in range(3):
        await asyncio.sleep(0)
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    batch.release.set()

    assert await settled(load_at_once(loader, [1, 2])) == [2, 4]
    assert await settled(loader.load(1)) == 2
    # The cancelled call was sent again, in a task, for whoever finds its keys in the cache.
    assert batch.calls == [[1, 2], [1, 2]]


async def test_cancelling_the_load_that_sends_a_group_does_not_cancel_the_others() -> None:
    batch = Recorder()
    loader = DataLoader(batch)

    opener = asyncio.ensure_future(load_at_once(loader, [1]))
    await asyncio.sleep(0)
    joiner = asyncio.ensure_future(load_at_once(loader, [2]))
    await asyncio.sleep(0)
    single = loader.load(2)  # a resolver graphql-core runs, sharing the key through the cache
    opener.cancel()  # still inside its window: nothing sent yet

    with pytest.raises(asyncio.CancelledError):
        await settled(opener)
    assert await settled(joiner) == [4]
    assert await settled(single) == 4
    assert batch.calls == [[1, 2]]


async def test_a_load_cancelled_while_it_waits_is_cancelled_not_interrupted() -> None:
    batch = Recorder()
    batch.release.clear()
    loader = DataLoader(batch)

    opener = asyncio.ensure_future(load_at_once(loader, [1]))
    await asyncio.sleep(0)
    waiter = asyncio.ensure_future(load_at_once(loader, [1, 2]))
    for _ in range(3):
        await asyncio.sleep(0)
    waiter.cancel()

    with pytest.raises(asyncio.CancelledError):
        await settled(waiter)
    batch.release.set()
    assert await settled(opener) == [2]


async def test_a_key_cancelled_by_another_waiter_interrupts_the_load_not_the_call() -> None:
    batch = Recorder()
    batch.release.clear()
    loader = DataLoader(batch)

    load = asyncio.ensure_future(load_at_once(loader, [2, 1]))
    for _ in range(3):
        await asyncio.sleep(0)
    other = loader.load(2)  # the future the load is waiting on, shared through the cache
    assert isinstance(other, asyncio.Future)
    other.cancel()
    batch.release.set()

    with pytest.raises(LoadInterrupted):
        await settled(load)
    assert await settled(loader.load(1)) == 2  # settled by the call that was under way
    assert await settled(load_at_once(loader, [2])) == [4]  # asked again
    assert batch.calls == [[2, 1], [2]]
