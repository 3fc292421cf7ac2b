"""In front of ``/graphql``, after the token check: partner keys' origins and every key's rate.

A partner key used from a page whose origin its policy does not list gets 403 naming the origin.
Every partner key, and anonymous clients by IP address when ``HUB_DELIVERY_ANONYMOUS_RATE`` is
set, take a token from their bucket per request (cached answers included: the limit is on
requests, not on work); an empty bucket gets 429 with ``Retry-After``. The key's query budget
is granted to the request (the hub measures every operation against it, instead of its default
budget), and its registered-operations-only flag is left in the request's state for the
persisted-query middleware.
"""

from __future__ import annotations

import inspect
import math
from typing import Any

import orjson
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub import Role, grant_query_budget
from hub_delivery.partner_runtime import PARTNERS_STATE_KEY, REGISTERED_ONLY_STATE_KEY, Partners
from hub_delivery.ratelimit import Decision, Rate

GRAPHQL_PATH = "/graphql"


class PartnerGate:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != GRAPHQL_PATH:
            await self.app(scope, receive, send)
            return
        partners: Partners = getattr(scope["app"].state, PARTNERS_STATE_KEY)
        actor = await _actor(scope, receive)
        state = scope.setdefault("state", {})
        rate: Rate | None
        if getattr(actor, "role", None) == Role.PARTNER:
            policy = await partners.directory.policy(actor.token_id)
            origin = Headers(scope=scope).get("origin")
            if (
                origin is not None
                and not policy.allows_origin(origin)
                and not _same_origin(origin, scope)
            ):
                await refuse(
                    send, 403, "ORIGIN_NOT_ALLOWED",
                    f"The API key {actor.token_prefix}... may not be used from the origin "
                    f"{origin}: its partner policy allows {', '.join(sorted(policy.origins))}.",
                )  # fmt: skip
                return
            grant_query_budget(scope, policy.budget)
            if policy.registered_only:
                state[REGISTERED_ONLY_STATE_KEY] = True
            rate, bucket = policy.rate, f"key:{actor.token_id}"
        elif actor is None:
            client = scope.get("client")
            rate, bucket = partners.anonymous_rate, f"ip:{client[0] if client else 'unknown'}"
        else:
            rate, bucket = None, ""  # the organisation's own staff
        if rate is None:
            await self.app(scope, receive, send)
            return
        decision = await partners.buckets.take(bucket, rate)
        headers = rate_headers(rate, decision)
        if not decision.allowed:
            retry_after = max(1, math.ceil(decision.retry_after))
            await refuse(
                send, 429, "RATE_LIMITED",
                f"Too many requests: the limit is {rate} with bursts of {rate.burst}. "
                f"Retry in {retry_after} s.",
                [*headers, (b"retry-after", str(retry_after).encode())],
            )  # fmt: skip
            return
        await self.app(scope, receive, _with_headers(send, headers))


async def _actor(scope: Scope, receive: Receive) -> Any:
    """Who is asking, through the public ``actor_from_request`` hook (None: anonymous)."""
    hub = scope["app"].state.hub
    actor = hub.plugin_manager.hook.actor_from_request(
        request=Request(scope, receive), settings=hub.settings
    )
    if callable(actor):
        actor = actor()
    if inspect.isawaitable(actor):
        actor = await actor
    return actor


def _same_origin(origin: str, scope: Scope) -> bool:
    # The hub's own pages (GraphiQL) send an Origin too; they are no partner's site.
    host = Headers(scope=scope).get("host")
    return host is not None and origin == f"{scope.get('scheme', 'http')}://{host}"


def rate_headers(rate: Rate, decision: Decision) -> list[tuple[bytes, bytes]]:
    """The IETF draft's ``RateLimit-*`` fields: the burst, what is left, seconds to full."""
    return [
        (b"ratelimit-limit", str(rate.burst).encode()),
        (b"ratelimit-remaining", str(decision.remaining).encode()),
        (b"ratelimit-reset", str(math.ceil(decision.reset_after)).encode()),
    ]


async def refuse(
    send: Send,
    status: int,
    code: str,
    message: str,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    body = orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"private, no-store"),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _with_headers(send: Send, headers: list[tuple[bytes, bytes]]) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *headers]}
        await send(message)

    return sending
