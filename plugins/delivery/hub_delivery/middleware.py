"""In front of ``/graphql``: persisted queries, the allow-list and HTTP caching of anonymous GETs.

It runs before Strawberry sees the request. A persisted query's document is put back where
Strawberry looks for it (the ``query`` parameter of a GET, the ``query`` member of a POST body),
so the GraphQL view runs exactly as for a client that sent the document. Anonymous GET answers
get ``Cache-Control``, a strong ``ETag`` and a ``Surrogate-Key`` header, answer
``If-None-Match`` with 304, and are kept in the in-process response cache. Requests carrying
``Authorization`` are never cached and are marked ``private, no-store``.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

import orjson
from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub import metrics
from hub_delivery.http_cache import (
    cached_answer_headers,
    etag_matches,
    strong_etag,
)
from hub_delivery.keys import node_keys
from hub_delivery.partner_runtime import REGISTERED_ONLY_STATE_KEY
from hub_delivery.persisted import ALLOWLIST_REASON, KEY_REASON, DeliveryError, sha256_of
from hub_delivery.response_cache import CachedAnswer
from hub_delivery.runtime import STATE_KEY, Delivery

GRAPHQL_PATH = "/graphql"
JSON_TYPES = (b"application/json", b"application/graphql-response+json")
PRIVATE = (b"cache-control", b"private, no-store")


class DeliveryMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != GRAPHQL_PATH
            or scope["method"] not in ("GET", "POST")
        ):
            await self.app(scope, receive, send)
            return
        delivery: Delivery = getattr(scope["app"].state, STATE_KEY)
        anonymous = "authorization" not in Headers(scope=scope)
        # Anonymous clients when the allow-list is on, and partner keys restricted to it.
        restriction: str | None = None
        if scope.get("state", {}).get(REGISTERED_ONLY_STATE_KEY):
            restriction = KEY_REASON
        elif delivery.allowlist and anonymous:
            restriction = ALLOWLIST_REASON
        try:
            if scope["method"] == "GET":
                await self.get(delivery, anonymous, restriction, scope, receive, send)
            else:
                await self.post(delivery, restriction, scope, receive, send)
        except DeliveryError as error:
            await send_error(error, send)

    async def get(
        self,
        delivery: Delivery,
        anonymous: bool,
        restriction: str | None,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        params = QueryParams(scope["query_string"].decode("latin-1"))
        sent_query = params.get("query")
        query: str | None = sent_query
        sha256: str | None = None
        if "extensions" in params or restriction is not None:
            query, sha256 = await delivery.queries.resolve(
                sent_query,
                _json_parameter(params.get("extensions"), "extensions"),
                allowlisted_only=restriction is not None,
                reason=restriction or ALLOWLIST_REASON,
            )
            if query is not None and query != sent_query:
                items = [(k, v) for k, v in params.multi_items() if k != "query"]
                scope = {**scope, "query_string": urlencode([*items, ("query", query)]).encode()}
        if not anonymous:
            await self.app(scope, receive, _with_header(send, PRIVATE))
            return
        if query is None:
            await self.app(scope, receive, send)
            return
        await self.cached_get(
            delivery, query, sha256 or sha256_of(query), params, scope, receive, send
        )

    async def cached_get(
        self,
        delivery: Delivery,
        query: str,
        sha256: str,
        params: QueryParams,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        headers = Headers(scope=scope)
        operation_name = params.get("operationName")
        cache_key = "\n".join(
            (sha256, operation_name or "", params.get("variables") or "", headers.get("accept", ""))
        )
        if_none_match = headers.get("if-none-match")
        answer = delivery.cache.get(cache_key)
        metrics.count_response_cache(hit=answer is not None)
        state = scope.setdefault("state", {})
        if answer is not None:
            if answer.operation is not None:
                metrics.name_operation(state, answer.operation)
            await send_answer(answer, if_none_match, send)
            return
        generation = delivery.cache.generation
        captured = await _capture(self.app, scope, receive)
        if captured is None or captured.status != 200 or not captured.is_json:
            await captured_or_passthrough(captured, send)
            return
        answer = cacheable_answer(
            delivery, query, operation_name, captured, metrics.operation_of(state)
        )
        if answer is None:
            await captured.replay(send, extra=[(b"cache-control", b"no-store")])
            return
        delivery.cache.store(cache_key, answer, generation)
        await send_answer(answer, if_none_match, send)

    async def post(
        self,
        delivery: Delivery,
        restriction: str | None,
        scope: Scope,
        receive: Receive,
        send: Send,
    ) -> None:
        body = await _read_body(receive)
        content_type = Headers(scope=scope).get("content-type", "")
        if "json" in content_type and (restriction is not None or b"persistedQuery" in body):
            body = await _resolved_body(delivery, body, restriction)
            scope = {
                **scope,
                "headers": [
                    *[(k, v) for k, v in scope["headers"] if k != b"content-length"],
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        await self.app(scope, _replaying(body, receive), send)


async def _resolved_body(delivery: Delivery, body: bytes, restriction: str | None) -> bytes:
    try:
        request = orjson.loads(body)
    except orjson.JSONDecodeError:
        return body  # the GraphQL view explains what is wrong with it
    if not isinstance(request, dict):
        if restriction is not None:
            raise DeliveryError(
                f"Only single operations run here ({restriction}), not batches.",
                "OPERATION_NOT_REGISTERED",
            )
        return body
    query, _ = await delivery.queries.resolve(
        request.get("query"),
        request.get("extensions"),
        allowlisted_only=restriction is not None,
        reason=restriction or ALLOWLIST_REASON,
    )
    if query is None or query == request.get("query"):
        return body
    return orjson.dumps({**request, "query": query})


def cacheable_answer(
    delivery: Delivery,
    query: str,
    operation_name: str | None,
    captured: CapturedResponse,
    operation_label: str | None = None,
) -> CachedAnswer | None:
    """The answer as the cache keeps it, or None when it must not be cached (it has errors)."""
    try:
        result = orjson.loads(captured.body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(result, dict) or "errors" in result or result.get("data") is None:
        return None
    types = delivery.analyser.types_of(query, operation_name)
    keys = types.type_keys | node_keys(result["data"], delivery.analyser.content_types)
    max_age = types.max_age(delivery.default_max_age, delivery.type_max_ages)
    etag = strong_etag(captured.body)
    return CachedAnswer(
        body=captured.body,
        headers=cached_answer_headers(captured.headers, etag, max_age, keys),
        etag=etag,
        max_age=max_age,
        keys=frozenset(keys),
        stored_at=time.monotonic(),
        operation=operation_label,
    )


async def send_answer(answer: CachedAnswer, if_none_match: str | None, send: Send) -> None:
    age = (b"age", str(answer.age(time.monotonic())).encode())
    if if_none_match is not None and etag_matches(if_none_match, answer.etag):
        # A 304 carries the validators and caching headers, never the body's own headers.
        kept = [(k, v) for k, v in answer.headers if k not in (b"content-type", b"content-length")]
        await send({"type": "http.response.start", "status": 304, "headers": [*kept, age]})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": 200, "headers": [*answer.headers, age]})
    await send({"type": "http.response.body", "body": answer.body})


async def send_error(error: DeliveryError, send: Send) -> None:
    body = orjson.dumps(
        {"errors": [{"message": error.message, "extensions": {"code": error.code}}]}
    )
    await send(
        {
            "type": "http.response.start",
            "status": error.status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                # The same URL will succeed once the document is registered: never keep this.
                (b"cache-control", b"private, no-cache, must-revalidate"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _json_parameter(raw: str | None, name: str) -> Any:
    # An empty parameter means none, as in the GraphQL view.
    if not raw:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise DeliveryError(
            f"The {name} parameter is not valid JSON: {error}.", "BAD_REQUEST"
        ) from None


class CapturedResponse:
    """A downstream JSON answer held in memory, so it can be tagged, cached and validated."""

    def __init__(self, status: int, headers: list[tuple[bytes, bytes]]) -> None:
        self.status = status
        self.headers = headers
        self.chunks: list[bytes] = []

    @property
    def is_json(self) -> bool:
        return any(
            k == b"content-type" and v.split(b";")[0].strip() in JSON_TYPES for k, v in self.headers
        )

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)

    async def replay(self, send: Send, extra: list[tuple[bytes, bytes]] | None = None) -> None:
        headers = [*self.headers, *(extra or [])]
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": self.body})


async def _capture(app: ASGIApp, scope: Scope, receive: Receive) -> CapturedResponse | None:
    captured: CapturedResponse | None = None

    async def capture(message: Message) -> None:
        nonlocal captured
        if message["type"] == "http.response.start":
            captured = CapturedResponse(message["status"], list(message.get("headers", [])))
        elif message["type"] == "http.response.body" and captured is not None:
            captured.chunks.append(message.get("body", b""))

    await app(scope, receive, capture)
    return captured


async def captured_or_passthrough(captured: CapturedResponse | None, send: Send) -> None:
    if captured is None:
        return
    await captured.replay(send, extra=[(b"cache-control", b"no-store")] if captured.is_json else [])


def _with_header(send: Send, header: tuple[bytes, bytes]) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), header]}
        await send(message)

    return sending


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
