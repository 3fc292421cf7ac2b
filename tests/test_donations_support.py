"""Helpers for the donations tests: a Stripe double on 127.0.0.1, signed deliveries, an actor.

Nothing here talks to the network beyond the loopback interface.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any
from urllib.parse import parse_qs

import orjson
import uvicorn
from hub_donations.stripe import stripe_signature
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.live_server import HOST, free_port
from tests.plugin_helpers import make_plugin

WEBHOOK_SECRET = "whsec_test_secret"
API_KEY = "sk_test_key"


class ScopedActor:
    def __init__(self, scopes: set[str]) -> None:
        self.scopes = scopes

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


def actor_from_header(request: Any) -> ScopedActor | None:
    """``x-test-scopes: a,b`` makes an actor holding those scopes (tests only)."""
    scopes = request.headers.get("x-test-scopes")
    return ScopedActor(set(scopes.split(","))) if scopes else None


test_actors = make_plugin("test-actors", actor_from_request=actor_from_header)


def fake_stripe_app() -> Starlette:
    """Answers ``POST /v1/payment_intents`` like Stripe: form in, PaymentIntent JSON out."""
    numbers = itertools.count(1)
    by_key: dict[str, dict[str, Any]] = {}

    async def create_intent(request: Request) -> Response:
        if request.headers.get("authorization") != f"Bearer {API_KEY}":
            return JSONResponse({"error": {"message": "Invalid API Key"}}, 401)
        # Form-encoded like Stripe's API (parsed by hand: no multipart dependency needed).
        form = {key: values[0] for key, values in parse_qs((await request.body()).decode()).items()}
        key = request.headers.get("idempotency-key", "")
        if key in by_key:
            return JSONResponse(by_key[key])
        number = next(numbers)
        intent = {
            "id": f"pi_fake{number:06d}",
            "object": "payment_intent",
            "amount": int(form["amount"]),
            "currency": form["currency"],
            "client_secret": f"pi_fake{number:06d}_secret_{number}",
            "metadata": {"hub_donation": form.get("metadata[hub_donation]")},
        }
        by_key[key] = intent
        return JSONResponse(intent)

    return Starlette(routes=[Route("/v1/payment_intents", create_intent, methods=["POST"])])


@asynccontextmanager
async def fake_stripe() -> AsyncIterator[str]:
    """The Stripe double served in this event loop; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(fake_stripe_app(), host=HOST, port=port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers a flag, not an event)
        await asyncio.sleep(0.01)
    try:
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        await task


@contextmanager
def fake_stripe_thread() -> Iterator[str]:
    """The Stripe double in a thread of its own (for a server in another process)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(fake_stripe_app(), host=HOST, port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the Stripe double did not start")
        time.sleep(0.01)
    try:
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def stripe_event(event_id: str, event_type: str, obj: dict[str, Any]) -> bytes:
    return orjson.dumps({"id": event_id, "type": event_type, "data": {"object": obj}})


def succeeded(event_id: str, intent: str) -> bytes:
    return stripe_event(event_id, "payment_intent.succeeded", {"id": intent})


def failed(event_id: str, intent: str) -> bytes:
    return stripe_event(event_id, "payment_intent.payment_failed", {"id": intent})


def refunded(event_id: str, intent: str, amount_refunded: int) -> bytes:
    return stripe_event(
        event_id,
        "charge.refunded",
        {"id": f"ch_{intent}", "payment_intent": intent, "amount_refunded": amount_refunded},
    )


def signed_headers(
    payload: bytes,
    secret: str = WEBHOOK_SECRET,
    timestamp: int | None = None,
    extra_signatures: tuple[str, ...] = (),
) -> dict[str, str]:
    t = int(time.time()) if timestamp is None else timestamp
    signatures = [*extra_signatures, stripe_signature(payload, t, secret)]
    header = ",".join([f"t={t}", *(f"v1={signature}" for signature in signatures)])
    return {"stripe-signature": header, "content-type": "application/json"}


Deliver = Callable[[bytes], Any]
