"""Token buckets: how many requests a key may make, in one process or shared through Redis.

A bucket holds at most ``burst`` tokens and refills at ``rate`` tokens a second; each request
takes one, and a request finding less than one token is refused, told when one will be there.
Both backends compute the same thing from the same clock (``time.time`` unless a test gives its
own), so a key's limit means the same with one worker or many.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import redis.asyncio as aioredis

logger = logging.getLogger("hub.delivery")

Clock = Callable[[], float]

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(s|sec|second|m|min|minute|h|hour)\s*$", re.IGNORECASE)
_PERIODS = {
    "s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600,
}  # fmt: skip


@dataclass(frozen=True)
class Rate:
    """``requests`` per ``period`` seconds, with at most ``burst`` at once."""

    requests: int
    period: int
    burst: int

    @property
    def per_second(self) -> float:
        return self.requests / self.period

    def __str__(self) -> str:
        unit = {1: "s", 60: "min", 3600: "h"}[self.period]
        return f"{self.requests}/{unit}"


def parse_rate(text: str, burst: int | None = None) -> Rate:
    """``600/min`` (or ``/s``, ``/h``) as a :class:`Rate`; the burst defaults to a tenth."""
    match = _RATE.fullmatch(text)
    if match is None or int(match.group(1)) == 0:
        raise ValueError(f"{text!r} is not a rate such as 600/min, 10/s or 5000/h")
    requests, period = int(match.group(1)), _PERIODS[match.group(2).lower()]
    if burst is None:
        burst = max(1, requests // 10)
    if burst < 1:
        raise ValueError(f"the burst must be 1 or more, not {burst}")
    return Rate(requests, period, burst)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    #: Whole tokens left after this request.
    remaining: int
    #: Seconds until the next request may pass (0 when this one did).
    retry_after: float
    #: Seconds until the bucket is full again.
    reset_after: float


def decide(rate: Rate, tokens: float, allowed: bool) -> Decision:
    missing = 0.0 if allowed else 1 - tokens
    return Decision(
        allowed=allowed,
        remaining=max(0, math.floor(tokens)),
        retry_after=missing / rate.per_second,
        reset_after=(rate.burst - tokens) / rate.per_second,
    )


class Buckets(Protocol):
    async def take(self, key: str, rate: Rate) -> Decision: ...

    async def close(self) -> None: ...


class LocalBuckets:
    """Buckets in this process's memory; the least recently used go beyond ``capacity``.

    A forgotten bucket comes back full, which only matters for a key idle long enough to be the
    least recently used of ``capacity`` keys: by then it would mostly have refilled anyway.
    """

    def __init__(self, clock: Clock = time.time, capacity: int = 100_000) -> None:
        self.clock = clock
        self.capacity = capacity
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    async def take(self, key: str, rate: Rate) -> Decision:
        now = self.clock()
        tokens, at = self._buckets.get(key, (float(rate.burst), now))
        if now > at:  # a clock that goes back refills nothing
            tokens = min(float(rate.burst), tokens + (now - at) * rate.per_second)
        allowed = tokens >= 1
        if allowed:
            tokens -= 1
        self._buckets[key] = (tokens, max(now, at))
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.capacity:
            self._buckets.popitem(last=False)
        return decide(rate, tokens, allowed)

    async def close(self) -> None:
        self._buckets.clear()


#: The same arithmetic as LocalBuckets, run atomically in Redis: concurrent requests of one key
#: from any number of processes each see the bucket the one before left.
TAKE_SCRIPT = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
if now > at then
  tokens = math.min(burst, tokens + (now - at) * rate)
  at = now
end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return {allowed, tostring(tokens)}
"""
KEY_PREFIX = "hub:delivery:bucket:"
#: Seconds a request waits for Redis to connect or answer before counting in this process.
REDIS_TIMEOUT = 1.0


class RedisBuckets:
    """Buckets in Redis, shared by every process using the same server (``HUB_REDIS_URL``).

    Each bucket is a hash that expires once it would be full again, so idle keys cost nothing.
    ``namespace`` keeps hubs sharing one Redis apart (their token ids and addresses overlap).
    """

    def __init__(self, url: str, clock: Clock = time.time, namespace: str = "") -> None:
        self.clock = clock
        self.namespace = namespace
        # Bounded waits: a request must not hang on a Redis that stopped answering.
        self.client = aioredis.Redis.from_url(
            url, socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT
        )
        self.script = self.client.register_script(TAKE_SCRIPT)
        #: While Redis does not answer, this process counts alone (README, "Rate limits").
        self.fallback = LocalBuckets(clock)
        self.falling_back = False

    async def take(self, key: str, rate: Rate) -> Decision:
        try:
            allowed, tokens = await self.script(
                keys=[f"{KEY_PREFIX}{self.namespace}:{key}"],
                args=[rate.per_second, rate.burst, repr(self.clock())],
            )
        except (aioredis.RedisError, OSError) as error:
            if not self.falling_back:
                logger.warning(
                    "rate limits: Redis unavailable (%s); counting in this process until it "
                    "answers again",
                    error,
                )
                self.falling_back = True
            return await self.fallback.take(key, rate)
        if self.falling_back:
            logger.warning("rate limits: Redis answers again; counting there")
            self.falling_back = False
            await self.fallback.close()
        return decide(rate, float(tokens), bool(allowed))

    async def close(self) -> None:
        await self.client.aclose()
