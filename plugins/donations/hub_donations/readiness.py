"""Readiness: the Redis that holds the donation streams across processes answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

import redis.asyncio as aioredis


def redis_check(url: str) -> Mapping[str, Callable[[], Awaitable[str | None]]]:
    async def redis() -> str | None:
        client = aioredis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            await client.ping()
        finally:
            await client.aclose()
        return None

    return {"redis": redis} if url else {}
