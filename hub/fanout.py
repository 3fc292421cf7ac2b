"""Content events across processes: what one worker or CLI command commits, every worker hears.

Each process that commits content dispatches the events to its own plugins (``hub.events``)
and, through the ``content_events`` hook like any other subscriber, publishes them. Every
serving process listens and dispatches what other processes published to its plugins, marked
``remote=True``: a process never re-publishes a remote event, and never hears its own (each
message names the process that sent it), so no handler runs twice for one change in one
process.

Two transports carry the messages, behind :class:`Transport`: Redis pub/sub when
``HUB_REDIS_URL`` is set, or PostgreSQL ``LISTEN``/``NOTIFY`` when the database is PostgreSQL;
with neither (SQLite, one process) events stay in the process. Delivery is at most once: a
listener that lost its connection misses what was published meanwhile: it reconnects, logs the
gap and tells the plugins (``content_events_listening``), whose caches in this process then
forget everything and keep nothing until it hears again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from typing import Any, Protocol

import asyncpg
import orjson
import pluggy
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from hub.events import ContentEvent, EventKind, dispatch_content_events
from hub.hookcalls import call_each_async
from hub.hookimpl import hookimpl
from hub.settings import Settings

logger = logging.getLogger("hub.fanout")

#: The PostgreSQL notification channel (each database has its own), and the Redis channel's
#: prefix (followed by ``Settings.shared_namespace``, as hubs may share a Redis).
CHANNEL = "hub_content_events"
#: PostgreSQL refuses notifications of 8,000 bytes or more; messages stay below this.
NOTIFY_LIMIT = 7_800
RECONNECT_DELAY = 1.0
#: How long a starting server waits to be listening before it serves anyway.
LISTEN_TIMEOUT = 5.0

Deliver = Callable[[bytes], Awaitable[None]]
#: Told True each time a listener (re)subscribed, False each time it was cut off.
Listening = Callable[[bool], Awaitable[None]]


class Transport(Protocol):
    """Carries opaque messages to every other process listening on the same channel."""

    #: The largest message it carries, in bytes; None for no practical limit.
    max_message: int | None

    async def publish(self, message: bytes) -> None: ...

    async def listen(self, deliver: Deliver, listening: Listening) -> None:
        """Call ``deliver`` with each message until cancelled, reconnecting when cut off.

        Calls ``listening(True)`` each time it listens (what is published from then on is
        delivered) and ``listening(False)`` each time it was cut off (what is published until
        the next ``True`` is lost).
        """


class RedisTransport:
    max_message: int | None = None

    def __init__(self, url: str, namespace: str) -> None:
        self.url = url
        self.channel = f"{CHANNEL}:{namespace}"

    async def publish(self, message: bytes) -> None:
        # One connection per publication: a CLI command publishes a few times and must not
        # leave a pool behind its event loop; a worker's publications are one round trip each.
        async with aioredis.from_url(self.url) as client:
            await client.publish(self.channel, message)

    async def listen(self, deliver: Deliver, listening: Listening) -> None:
        while True:
            subscribed = False
            try:
                # No retries: redis-py would reconnect and subscribe again by itself, hiding
                # the gap in which messages were lost.
                async with (
                    aioredis.from_url(self.url, retry=Retry(NoBackoff(), 0)) as client,
                    client.pubsub() as pubsub,
                ):
                    await pubsub.subscribe(self.channel)
                    subscribed = True
                    await listening(True)
                    async for item in pubsub.listen():
                        if item.get("type") == "message":
                            await deliver(item["data"])
            except (aioredis.ConnectionError, aioredis.TimeoutError, OSError) as error:
                logger.warning("content events: Redis listener cut off (%s); reconnecting", error)
                if subscribed:
                    await listening(False)
                await asyncio.sleep(RECONNECT_DELAY)


class PostgresTransport:
    """``NOTIFY`` through the ORM's own connection, ``LISTEN`` on a connection of its own."""

    max_message: int | None = NOTIFY_LIMIT

    def __init__(self, database_url: str) -> None:
        self.dsn = "postgresql://" + database_url.partition("://")[2]
        #: The listening connection, while it is up: a server notifies through it, keeping
        #: the ORM's connections for requests. It runs one statement at a time, hence the lock.
        self._connection: asyncpg.Connection | None = None
        self._lock = asyncio.Lock()

    async def publish(self, message: bytes) -> None:
        connection = self._connection
        if connection is None or connection.is_closed():
            # A CLI command, which does not listen: a connection for the occasion, as the ORM's
            # pool is the command's own work.
            once = await asyncpg.connect(self.dsn)
            try:
                await once.execute("SELECT pg_notify($1, $2)", CHANNEL, message.decode())
            finally:
                await once.close()
            return
        async with self._lock:
            await connection.execute("SELECT pg_notify($1, $2)", CHANNEL, message.decode())

    async def listen(self, deliver: Deliver, listening: Listening) -> None:
        while True:
            try:
                connection = await asyncpg.connect(self.dsn)
            except (OSError, asyncpg.PostgresError) as error:
                logger.warning("content events: cannot LISTEN (%s); retrying", error)
            else:
                try:
                    self._connection = connection
                    await self._relay(connection, deliver, listening)
                finally:
                    self._connection = None
                    with contextlib.suppress(Exception):
                        await connection.close(timeout=2)
                logger.warning("content events: PostgreSQL listener cut off; reconnecting")
                await listening(False)
            await asyncio.sleep(RECONNECT_DELAY)

    async def _relay(
        self, connection: asyncpg.Connection, deliver: Deliver, listening: Listening
    ) -> None:
        """Deliver notifications until the connection is lost."""
        received: asyncio.Queue[str] = asyncio.Queue()
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _connection: lost.set())
        await connection.add_listener(
            CHANNEL, lambda _c, _pid, _channel, payload: received.put_nowait(payload)
        )
        await listening(True)
        while not lost.is_set():
            payload = await _next_or_none(received, lost)
            if payload is not None:
                await deliver(payload.encode())


async def _next_or_none(queue: asyncio.Queue[str], lost: asyncio.Event) -> str | None:
    if not queue.empty():
        return queue.get_nowait()
    getting = asyncio.ensure_future(queue.get())
    losing = asyncio.ensure_future(lost.wait())
    done, pending = await asyncio.wait({getting, losing}, return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()
    return getting.result() if getting in done else None


def transport_for(settings: Settings) -> Transport | None:
    """The transport ``HUB_EVENTS_TRANSPORT`` asks for (``auto``: Redis, else PostgreSQL)."""
    choice = settings.events_transport
    if choice == "off":
        return None
    if choice == "redis" or (choice == "auto" and settings.redis_url):
        return RedisTransport(settings.redis_url, settings.shared_namespace)
    if choice == "postgres" or (choice == "auto" and not settings.is_sqlite):
        return PostgresTransport(settings.database_url)
    return None


def encode(origin: str, events: Sequence[ContentEvent], limit: int | None) -> Iterator[bytes]:
    """``events`` as messages of at most ``limit`` bytes, in order.

    An event whose ``changes`` alone exceed the limit travels without them (``changes={}``):
    listeners still learn what changed, not every new value.
    """
    batch: list[dict[str, Any]] = []
    size = 0
    envelope = len(_message(origin, []))
    for event in events:
        item = _as_dict(event)
        item_size = len(orjson.dumps(item, default=str)) + 1
        if limit is not None and envelope + item_size > limit:
            item = {**item, "changes": {}}
            item_size = len(orjson.dumps(item, default=str)) + 1
        if limit is not None and batch and envelope + size + item_size > limit:
            yield _message(origin, batch)
            batch, size = [], 0
        batch.append(item)
        size += item_size
    if batch:
        yield _message(origin, batch)


def _message(origin: str, items: list[dict[str, Any]]) -> bytes:
    return orjson.dumps({"origin": origin, "events": items}, default=str)


def _as_dict(event: ContentEvent) -> dict[str, Any]:
    return {
        "kind": event.kind.value,
        "type_name": event.type_name,
        "pk": event.pk,
        "slug": event.slug,
        "changes": event.changes,
        "public_id": event.public_id,
    }


def decode(message: bytes) -> tuple[str, list[ContentEvent]]:
    """The sending process and its events, marked remote; ValueError when malformed."""
    try:
        body = orjson.loads(message)
        events = [
            ContentEvent(
                EventKind(item["kind"]),
                str(item["type_name"]),
                int(item["pk"]),
                str(item["slug"]),
                dict(item.get("changes") or {}),
                remote=True,
                public_id=item.get("public_id"),
            )
            for item in body["events"]
        ]
        return str(body["origin"]), events
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as error:
        raise ValueError(f"not a content events message: {error}") from None


class ContentEventFanout:
    """The plugin that publishes this process's committed events and relays the others'."""

    def __init__(self, transport: Transport, deferred: bool = False) -> None:
        self.transport = transport
        #: Names this process in its messages, so it can ignore them when they come back.
        self.origin = uuid.uuid4().hex
        #: Kept until ``flush`` (a CLI command, when it is done with the database).
        self.deferred = deferred
        self._pending: list[bytes] = []
        self._listener: asyncio.Task[None] | None = None
        #: Whether the listener hears the other processes now (None: not yet started).
        self._listening: bool | None = None

    @hookimpl
    async def content_events(self, events: Sequence[ContentEvent]) -> None:
        local = [event for event in events if not event.remote]
        for message in encode(self.origin, local, self.transport.max_message):
            if self.deferred:
                self._pending.append(message)
            else:
                await self.transport.publish(message)

    async def flush(self) -> None:
        pending, self._pending = self._pending, []
        for message in pending:
            await self.transport.publish(message)

    async def start_listening(self, pm: pluggy.PluginManager) -> None:
        async def deliver(message: bytes) -> None:
            try:
                origin, events = decode(message)
            except ValueError as error:
                logger.warning("content events: ignored a message (%s)", error)
                return
            if origin != self.origin:
                await dispatch_content_events(pm, events)

        ready = asyncio.Event()

        async def listening(now: bool) -> None:
            # The first subscription is start-up's; every later change is news to the caches
            # kept in this process.
            if now and self._listening is None:
                self._listening = True
                ready.set()
            elif now != self._listening:
                self._listening = now
                await call_each_async(pm, "content_events_listening", isolate=True, listening=now)

        self._listener = asyncio.create_task(
            self.transport.listen(deliver, listening), name="hub-content-events-listener"
        )
        try:
            await asyncio.wait_for(ready.wait(), LISTEN_TIMEOUT)
        except TimeoutError:
            # Serve anyway, uncached (the caches hear it): the listener keeps trying.
            await listening(False)
            logger.error(
                "content events: not listening after %ss; this process answers without its "
                "caches until it does",
                LISTEN_TIMEOUT,
            )

    async def stop_listening(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None


PLUGIN_NAME = "hub.fanout"


def publish_only(pm: pluggy.PluginManager, settings: Settings) -> None:
    """For a CLI command: publish what it commits, hear nothing (it keeps no state to refresh).

    It publishes when it closes the database (``publish_deferred``), after its own work: on
    PostgreSQL a notification takes a transaction id, and one taken just before the ``VACUUM``
    that follows an import keeps it from marking the new rows' pages all-visible.
    """
    transport = transport_for(settings)
    if transport is not None and pm.get_plugin(PLUGIN_NAME) is None:
        pm.register(ContentEventFanout(transport, deferred=True), name=PLUGIN_NAME)


async def publish_deferred(pm: pluggy.PluginManager) -> None:
    """Publish what a CLI command committed; a failure is logged, as the data is committed."""
    fanout = pm.get_plugin(PLUGIN_NAME)
    if isinstance(fanout, ContentEventFanout):
        try:
            await fanout.flush()
        except Exception:
            logger.exception(
                "content events: could not tell the running servers about this command's "
                "changes; their caches show them when their answers expire"
            )


def serving(pm: pluggy.PluginManager) -> pluggy.PluginManager:
    """``pm`` for a server: it publishes and listens through :func:`fanned_out`, so the
    publish-only fan-out a command's plugin manager carries (:func:`publish_only`) leaves it."""
    if isinstance(pm.get_plugin(PLUGIN_NAME), ContentEventFanout):
        pm.unregister(name=PLUGIN_NAME)
    return pm


@contextlib.asynccontextmanager
async def fanned_out(pm: pluggy.PluginManager, settings: Settings) -> AsyncIterator[None]:
    """For a server: publish what this process commits and relay what the others do."""
    transport = transport_for(settings)
    if transport is None:
        yield
        return
    fanout = ContentEventFanout(transport)
    pm.register(fanout, name=PLUGIN_NAME)
    await fanout.start_listening(pm)
    try:
        yield
    finally:
        await fanout.stop_listening()
        pm.unregister(fanout)
