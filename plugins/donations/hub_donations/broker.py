"""Pub/sub for campaign progress: in-process, or through Redis across server processes.

Progress is a latest-value stream: a subscriber that falls behind skips to the newest figures
instead of queueing every intermediate total.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Protocol

import orjson
import redis.asyncio as aioredis

from hub_donations.progress import Progress

logger = logging.getLogger("hub_donations.broker")

CHANNEL_PREFIX = "hub:donations:progress:"
QUEUE_SIZE = 16


class ProgressBroker(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, progress: Progress) -> None: ...

    def subscribe(
        self, slug: str
    ) -> contextlib.AbstractAsyncContextManager[AsyncIterator[Progress]]: ...


class LocalBroker:
    """Subscribers of this process only: enough for one server process."""

    def __init__(self) -> None:
        self._queues: dict[str, set[asyncio.Queue[Progress]]] = defaultdict(set)

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    async def publish(self, progress: Progress) -> None:
        self.deliver(progress)

    def deliver(self, progress: Progress) -> None:
        for queue in self._queues.get(progress.slug, ()):
            if queue.full():
                queue.get_nowait()  # drop the oldest: only the newest totals matter
            queue.put_nowait(progress)

    @contextlib.asynccontextmanager
    async def subscribe(self, slug: str) -> AsyncIterator[AsyncIterator[Progress]]:
        queue: asyncio.Queue[Progress] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._queues[slug].add(queue)

        async def updates() -> AsyncIterator[Progress]:
            while True:
                yield await queue.get()

        try:
            yield updates()
        finally:
            self._queues[slug].discard(queue)
            if not self._queues[slug]:
                del self._queues[slug]


class RedisBroker:
    """Publishes through Redis; one pattern subscription per process fans out locally.

    Every process, the publisher included, hears each update once, from Redis.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.local = LocalBroker()
        self._client: aioredis.Redis | None = None
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._client = aioredis.from_url(self.url)
        pubsub = self._client.pubsub()
        await pubsub.psubscribe(f"{CHANNEL_PREFIX}*")
        self._reader = asyncio.create_task(self._relay(pubsub), name="donations-progress-relay")

    async def _relay(self, pubsub: aioredis.client.PubSub) -> None:
        try:
            async for message in pubsub.listen():
                if message.get("type") != "pmessage":
                    continue
                try:
                    self.local.deliver(Progress.from_dict(orjson.loads(message["data"])))
                except (orjson.JSONDecodeError, TypeError):
                    logger.warning("ignored a malformed progress message: %r", message["data"])
        finally:
            await pubsub.aclose()

    async def stop(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._client is not None:
            await self._client.aclose()

    async def publish(self, progress: Progress) -> None:
        if self._client is None:
            raise RuntimeError("the Redis progress broker was not started")
        await self._client.publish(
            f"{CHANNEL_PREFIX}{progress.slug}", orjson.dumps(progress.as_dict())
        )

    def subscribe(
        self, slug: str
    ) -> contextlib.AbstractAsyncContextManager[AsyncIterator[Progress]]:
        return self.local.subscribe(slug)
