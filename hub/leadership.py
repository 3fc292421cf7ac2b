"""One process among a hub's workers that does the jobs only one should do (announcing posts
whose scheduled time came).

Leadership is held, not granted once: with Redis, a key that expires unless its holder renews
it; with PostgreSQL, a session advisory lock, freed when the holder's connection goes. Either
way a worker that dies hands over within seconds. A hub without either runs in one process,
which leads.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from typing import Protocol

import asyncpg
import redis.asyncio as aioredis

from hub.settings import Settings

logger = logging.getLogger("hub.leadership")

#: How long a Redis leader stays one without renewing; it renews at each ``claim``.
LEASE_MS = 15_000
#: The PostgreSQL advisory lock's key (any number the hub's database uses for nothing else).
ADVISORY_KEY = 0x6875625F6C656164  # "hub_lead"


class Leadership(Protocol):
    async def claim(self) -> bool:
        """Become or stay the leader if possible; whether this process leads now."""

    async def release(self) -> None: ...


class Alone:
    """No other process can exist (no shared transport): this one leads."""

    async def claim(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class RedisLeadership:
    def __init__(self, url: str, namespace: str) -> None:
        self._client = aioredis.from_url(url)
        self.key = f"hub:leader:{namespace}"
        self.me = uuid.uuid4().hex

    async def claim(self) -> bool:
        try:
            if await self._client.set(self.key, self.me, nx=True, px=LEASE_MS):
                return True
            if await self._client.get(self.key) in (self.me, self.me.encode()):
                await self._client.pexpire(self.key, LEASE_MS)
                return True
        except (aioredis.RedisError, OSError) as error:
            logger.warning("leadership: Redis unavailable (%s)", error)
        return False

    async def release(self) -> None:
        with contextlib.suppress(aioredis.RedisError, OSError):
            if await self._client.get(self.key) in (self.me, self.me.encode()):
                await self._client.delete(self.key)
        await self._client.aclose()


class PostgresLeadership:
    def __init__(self, database_url: str) -> None:
        self.dsn = "postgresql://" + database_url.partition("://")[2]
        self._connection: asyncpg.Connection | None = None
        self._held = False

    async def claim(self) -> bool:
        try:
            if self._connection is None or self._connection.is_closed():
                self._held = False
                self._connection = await asyncpg.connect(self.dsn)
            if not self._held:
                self._held = bool(
                    await self._connection.fetchval("SELECT pg_try_advisory_lock($1)", ADVISORY_KEY)
                )
        except (OSError, asyncpg.PostgresError) as error:
            logger.warning("leadership: PostgreSQL unavailable (%s)", error)
            self._held = False
        return self._held

    async def release(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.close(timeout=2)  # the lock goes with the session
        self._connection, self._held = None, False


def leadership_for(settings: Settings) -> Leadership:
    """Among the processes content events reach (``HUB_EVENTS_TRANSPORT``), one leads."""
    choice = settings.events_transport
    if choice == "redis" or (choice == "auto" and settings.redis_url):
        return RedisLeadership(settings.redis_url, settings.shared_namespace)
    if choice == "postgres" or (choice == "auto" and not settings.is_sqlite):
        return PostgresLeadership(settings.database_url)
    return Alone()
