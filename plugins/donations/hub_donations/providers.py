"""The payment-provider contract: what a provider plugin gives the donations plugin.

A provider is any object with a ``name``, an async ``start`` and an async ``webhook``; a plugin
offers providers through the ``register_payment_providers`` hook (see ``hookspecs``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from hub_donations.models import Recurrence
from hub_donations.state import EventKind

if TYPE_CHECKING:
    from starlette.requests import Request


@dataclass(frozen=True)
class DonationRequest:
    """A validated donation a provider is asked to take payment for."""

    #: Our own key for this attempt, unique: send it as the provider's idempotency key.
    key: str
    campaign_slug: str
    campaign_title: str
    amount: int
    currency: str
    donor_email: str
    recurring: Recurrence


@dataclass(frozen=True)
class StartResult:
    """What the client needs to pay, and the provider's id for the payment.

    ``reference`` is unique per provider: events name the payment by it.
    """

    reference: str
    redirect_url: str | None = None
    client_secret: str | None = None
    instructions: str | None = None


@dataclass(frozen=True)
class ProviderEvent:
    """One thing that happened to a payment, as the provider reported it.

    ``event_id`` is the provider's id for the delivery's event (retries reuse it);
    ``refunded_amount`` is the cumulative amount refunded so far (refunds only).
    """

    provider: str
    event_id: str
    kind: EventKind
    reference: str
    refunded_amount: int | None = None


class ProviderUnavailable(Exception):
    """The provider could not start a payment now (network, credentials): the donor may retry."""


class WebhookRejected(Exception):
    """A webhook delivery that must change nothing: a bad signature, a stale or unreadable body."""

    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message)
        self.status_code = status_code


class PaymentProvider(Protocol):
    @property
    def name(self) -> str:
        """Lower-case id used in the API (``provider: "stripe"``) and the webhook path."""

    async def start(self, donation: DonationRequest) -> StartResult:
        """Begin a payment; raise ``ProviderUnavailable`` when that is impossible right now."""

    async def webhook(self, request: Request) -> list[ProviderEvent]:
        """Verify and read one delivery; raise ``WebhookRejected`` to refuse it unchanged."""
