"""Automatic Persisted Queries (the Apollo protocol) and the allow-list of registered operations.

A client sends ``extensions.persistedQuery.sha256Hash`` instead of the document. Unknown hashes
are answered with ``PersistedQueryNotFound``; the client retries with the document and the hash,
which must match before the document is remembered. Remembered documents live in a bounded
in-process LRU (anyone may register one, so they must not grow the database) and, with
``HUB_REDIS_URL``, in Redis for every server process, each for a limited time
(``HUB_DELIVERY_PERSISTED_QUERY_TTL``): a hash sent to one worker runs on all of them.
Registered operations (`hub queries register`) live in the database, which every process reads,
and are the allow-list. Plugins' built-in operations (the embeddable widget's) are registered by
shipping: they are in the allow-list without a database row, and never forgotten.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import redis.asyncio as aioredis

from hub_delivery.models import RegisteredQuery

logger = logging.getLogger("hub.delivery")

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


class DeliveryError(Exception):
    """A request the delivery layer refuses, answered as a GraphQL error body."""

    def __init__(self, message: str, code: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


def persisted_query_not_found() -> DeliveryError:
    # Apollo clients recognise this exact message and code, and retry with the document.
    return DeliveryError("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND", status=200)


#: Why only registered operations run: for anonymous clients, the hub's setting...
ALLOWLIST_REASON = "HUB_DELIVERY_ALLOWLIST is on"
#: ...and for a partner key, its policy.
KEY_REASON = "this API key is restricted to registered operations"


def operation_not_registered(reason: str = ALLOWLIST_REASON) -> DeliveryError:
    return DeliveryError(
        f"Only registered operations run here ({reason}): "
        "ask the hub's operators to register this operation with `hub queries register`.",
        "OPERATION_NOT_REGISTERED",
    )


def sha256_of(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def requested_hash(extensions: Any) -> str | None:
    """The ``sha256Hash`` a request names, or None when it uses no persisted query."""
    if extensions is None:
        return None
    if not isinstance(extensions, dict):
        raise DeliveryError("extensions must be a JSON object.", "BAD_REQUEST")
    persisted = extensions.get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict):
        raise DeliveryError(
            'extensions.persistedQuery must be an object such as {"version": 1, '
            '"sha256Hash": "..."}.',
            "BAD_REQUEST",
        )
    if persisted.get("version") != 1:
        raise DeliveryError(
            f"Unsupported persisted query version {persisted.get('version')!r}: only 1 is.",
            "PERSISTED_QUERY_UNSUPPORTED_VERSION",
        )
    sha256 = persisted.get("sha256Hash")
    if not isinstance(sha256, str) or not SHA256_HEX.fullmatch(sha256):
        raise DeliveryError(
            "extensions.persistedQuery.sha256Hash must be the SHA-256 of the query, "
            "64 lowercase hexadecimal characters.",
            "BAD_REQUEST",
        )
    return sha256


class SharedDocuments:
    """Automatic persisted queries in Redis, shared by every process of the hub.

    Each document expires ``ttl`` seconds after it was last sent or used. Redis being away
    costs a round trip, never an error: the client is asked for the document, as by a process
    that never saw it.
    """

    def __init__(self, url: str, namespace: str, ttl: int) -> None:
        self._client = aioredis.from_url(url)
        self.prefix = f"hub:apq:{namespace}:"
        self.ttl = ttl

    async def get(self, sha256: str) -> str | None:
        try:
            document = await self._client.getex(self.prefix + sha256, ex=self.ttl)
        except (aioredis.RedisError, OSError) as error:
            logger.warning("persisted queries: Redis unavailable (%s)", error)
            return None
        if isinstance(document, bytes):
            return document.decode()
        return document

    async def put(self, sha256: str, document: str) -> None:
        try:
            await self._client.set(self.prefix + sha256, document, ex=self.ttl)
        except (aioredis.RedisError, OSError) as error:
            logger.warning("persisted queries: Redis unavailable (%s)", error)

    async def close(self) -> None:
        await self._client.aclose()


@dataclass
class PersistedQueries:
    """Documents by hash: recent automatic ones in memory (and Redis), registered ones in the
    database."""

    capacity: int
    #: Operations the code ships, by hash: always known, always on the allow-list.
    builtin: dict[str, str] = field(default_factory=dict)
    #: Where other processes' automatic persisted queries are found (HUB_REDIS_URL).
    shared: SharedDocuments | None = None
    _documents: OrderedDict[str, str] = field(default_factory=OrderedDict)
    _registered: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for sha256, document in self.builtin.items():
            if sha256_of(document) != sha256:
                raise ValueError(f"built-in operation {sha256} is not stored under its SHA-256")

    def remember(self, sha256: str, document: str) -> None:
        if self.capacity == 0:
            return
        self._documents[sha256] = document
        self._documents.move_to_end(sha256)
        while len(self._documents) > self.capacity:
            self._documents.popitem(last=False)

    async def lookup(self, sha256: str) -> str | None:
        builtin = self.builtin.get(sha256)
        if builtin is not None:
            return builtin
        document = self._documents.get(sha256)
        if document is not None:
            self._documents.move_to_end(sha256)
            return document
        if self.shared is not None:
            document = await self.shared.get(sha256)
            # Stored under its hash by whoever sent it; checked again all the same, as Redis
            # may be shared with other software.
            if document is not None and sha256_of(document) == sha256:
                self.remember(sha256, document)
                return document
        registered = await RegisteredQuery.get_or_none(sha256=sha256)
        if registered is None:
            return None
        # Registered operations are never forgotten, so the positive answer can be kept.
        self._registered.add(sha256)
        self.remember(sha256, registered.document)
        return registered.document

    async def is_registered(self, sha256: str) -> bool:
        if sha256 in self._registered or sha256 in self.builtin:
            return True
        if await RegisteredQuery.exists(sha256=sha256):
            self._registered.add(sha256)
            return True
        return False

    async def resolve(
        self, query: Any, extensions: Any, allowlisted_only: bool, reason: str = ALLOWLIST_REASON
    ) -> tuple[str | None, str | None]:
        """The document to run and its hash, following the APQ protocol and the allow-list.

        Returns ``(None, None)`` for a request without persisted query and without a document,
        which the GraphQL view answers with its own error.
        """
        sha256 = requested_hash(extensions)
        has_document = isinstance(query, str) and query != ""
        if sha256 is not None and not has_document:
            document = await self.lookup(sha256)
            if document is None:
                if allowlisted_only:
                    raise operation_not_registered(reason)
                raise persisted_query_not_found()
            query = document
        elif sha256 is not None and sha256_of(query) != sha256:
            raise DeliveryError(
                "provided sha does not match query: sha256Hash must be the SHA-256 of the "
                "query text, exactly as sent.",
                "PERSISTED_QUERY_HASH_MISMATCH",
            )
        if not isinstance(query, str) or query == "":
            return None, None
        if allowlisted_only and not await self.is_registered(sha256 or sha256_of(query)):
            raise operation_not_registered(reason)
        if sha256 is not None and has_document:
            if self.shared is not None and sha256 not in self._documents:
                await self.shared.put(sha256, query)
            self.remember(sha256, query)
        return query, sha256 or sha256_of(query)
