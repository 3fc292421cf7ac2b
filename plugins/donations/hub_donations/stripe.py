"""A Stripe-compatible provider: PaymentIntents for the client, signed webhooks for the result.

``start`` creates a PaymentIntent through Stripe's API (``POST /v1/payment_intents``, at the
configurable ``HUB_DONATIONS_STRIPE_API_BASE``) and hands the client its ``client_secret`` for
Stripe.js / Payment Element. The PaymentIntent id is the donation's provider reference: every
event below names it (directly, or as ``payment_intent`` on a Checkout Session or a Charge).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from typing import Any

import httpx
import orjson
from starlette.requests import Request

from hub_donations.models import Recurrence
from hub_donations.providers import (
    DonationRequest,
    ProviderEvent,
    ProviderUnavailable,
    StartResult,
    WebhookRejected,
)
from hub_donations.state import EventKind

logger = logging.getLogger("hub_donations.stripe")

STRIPE = "stripe"
SIGNATURE_HEADER = "stripe-signature"
#: Stripe's documented default: a delivery signed longer ago than this is a replay.
TOLERANCE_SECONDS = 300
API_TIMEOUT_SECONDS = 10.0


class SignatureError(WebhookRejected):
    """The ``Stripe-Signature`` header is missing, malformed, wrong, or too old."""


def stripe_signature(payload: bytes, timestamp: int, secret: str) -> str:
    """The ``v1`` signature Stripe computes: HMAC-SHA256 of ``"{t}.{raw body}"``, hex."""
    signed = str(timestamp).encode() + b"." + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def verify_stripe_signature(
    payload: bytes,
    header: str | None,
    secret: str,
    tolerance: int = TOLERANCE_SECONDS,
    now: float | None = None,
) -> None:
    """Check a delivery as Stripe documents it, or raise :class:`SignatureError`.

    The header is ``t=<unix time>,v1=<hex>[,v1=<hex>...][,v0=...]``: while an endpoint secret
    is being rolled, Stripe signs with each active secret, so any ``v1`` may match. Other
    schemes (``v0`` is a test-mode scheme) are ignored. Signatures are compared in constant
    time; a timestamp further than ``tolerance`` seconds from now (either way) is refused.
    """
    if not secret:
        raise SignatureError("Stripe webhooks are not configured: set the endpoint secret.")
    if not header:
        raise SignatureError("The Stripe-Signature header is missing.")
    timestamp: int | None = None
    signatures: list[str] = []
    for item in header.split(","):
        key, separator, value = item.strip().partition("=")
        if not separator:
            continue
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                raise SignatureError(
                    "The Stripe-Signature timestamp (t=) is not a whole number."
                ) from None
        elif key == "v1":
            signatures.append(value)
    if timestamp is None:
        raise SignatureError("The Stripe-Signature header has no timestamp (t=).")
    if not signatures:
        raise SignatureError("The Stripe-Signature header has no v1 signature.")
    expected = stripe_signature(payload, timestamp, secret)
    # Every candidate is compared (no early exit), each in constant time.
    matches = [hmac.compare_digest(expected, signature) for signature in signatures]
    if not any(matches):
        raise SignatureError("No v1 signature in Stripe-Signature matches the payload.")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise SignatureError(
            f"The Stripe-Signature timestamp is {int(current - timestamp)} s from now, outside "
            f"the {tolerance} s tolerance: a replayed or delayed delivery."
        )


def events_of(event: dict[str, Any]) -> list[ProviderEvent]:
    """What a verified Stripe event means for donations (other event types mean nothing)."""
    try:
        event_id = str(event["id"])
        event_type = str(event["type"])
        obj: dict[str, Any] = event["data"]["object"]
    except (KeyError, TypeError):
        raise WebhookRejected("The body is not a Stripe event (id, type, data.object).") from None

    def happened(kind: EventKind, reference: Any, refunded: int | None = None) -> ProviderEvent:
        if not isinstance(reference, str) or not reference:
            raise WebhookRejected(f"The {event_type} event {event_id} names no PaymentIntent.")
        return ProviderEvent(STRIPE, event_id, kind, reference, refunded)

    if event_type in ("payment_intent.succeeded",):
        return [happened(EventKind.SUCCEEDED, obj.get("id"))]
    if event_type == "payment_intent.payment_failed":
        return [happened(EventKind.FAILED, obj.get("id"))]
    if event_type in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        # A completed session with a delayed payment method is not paid yet: wait for
        # async_payment_succeeded (or payment_intent.succeeded).
        if obj.get("payment_status") != "paid":
            return []
        return [happened(EventKind.SUCCEEDED, obj.get("payment_intent"))]
    if event_type == "charge.refunded":
        refunded = obj.get("amount_refunded")
        if not isinstance(refunded, int) or isinstance(refunded, bool) or refunded < 0:
            raise WebhookRejected(f"The charge.refunded event {event_id} has no amount_refunded.")
        return [happened(EventKind.REFUNDED, obj.get("payment_intent"), refunded)]
    return []


class StripeProvider:
    name = STRIPE

    def __init__(self, api_key: str, webhook_secret: str, api_base: str) -> None:
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.api_base = api_base.rstrip("/")

    async def start(self, donation: DonationRequest) -> StartResult:
        if not self.api_key:
            raise ProviderUnavailable("Card payments are not configured on this site.")
        form = {
            "amount": str(donation.amount),
            "currency": donation.currency.lower(),
            "automatic_payment_methods[enabled]": "true",
            "description": f"Donation: {donation.campaign_title}",
            "metadata[hub_donation]": donation.key,
            "metadata[campaign]": donation.campaign_slug,
            "metadata[recurring]": donation.recurring.value,
        }
        if donation.donor_email:
            form["receipt_email"] = donation.donor_email
        if donation.recurring is not Recurrence.NONE:
            # Keeps the payment method for the next instalments, charged off-session.
            form["setup_future_usage"] = "off_session"
        try:
            async with httpx.AsyncClient(timeout=API_TIMEOUT_SECONDS) as client:
                response = await client.post(
                    f"{self.api_base}/v1/payment_intents",
                    data=form,
                    headers={
                        "authorization": f"Bearer {self.api_key}",
                        # A retried request never creates a second PaymentIntent.
                        "idempotency-key": donation.key,
                    },
                )
        except httpx.HTTPError as error:
            logger.warning("Stripe could not be reached: %s", error)
            raise ProviderUnavailable("The card payment service cannot be reached.") from None
        if response.status_code != 200:
            logger.warning(
                "Stripe refused a PaymentIntent (%s): %s", response.status_code, response.text
            )
            raise ProviderUnavailable("The card payment service refused to start the payment.")
        intent = response.json()
        return StartResult(reference=intent["id"], client_secret=intent["client_secret"])

    async def webhook(self, request: Request) -> list[ProviderEvent]:
        payload = await request.body()
        verify_stripe_signature(payload, request.headers.get(SIGNATURE_HEADER), self.webhook_secret)
        try:
            event = orjson.loads(payload)
        except orjson.JSONDecodeError:
            raise WebhookRejected("The body is not JSON.") from None
        if not isinstance(event, dict):
            raise WebhookRejected("The body is not a Stripe event object.")
        return events_of(event)
