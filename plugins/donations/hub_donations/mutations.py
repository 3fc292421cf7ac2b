"""Mutations: donors start donations; editors confirm offline pledges."""

from __future__ import annotations

import re
import uuid
from enum import Enum
from typing import Any

import strawberry
from tortoise.exceptions import IntegrityError

from hub import Info, UserError, slug_argument
from hub_donations import models
from hub_donations.currency import exponent
from hub_donations.ledger import Outcome, apply_event
from hub_donations.models import CampaignStatus, Donation, Recurrence, donor_key
from hub_donations.money import MinorUnits
from hub_donations.offline import OFFLINE
from hub_donations.permissions import CONFIRM, RequireScope
from hub_donations.providers import DonationRequest, ProviderEvent, ProviderUnavailable
from hub_donations.runtime import runtime
from hub_donations.settings import display_locale, max_amount
from hub_donations.state import EventKind
from hub_donations.types import (
    CAMPAIGN_FIELDS,
    PRIVATE_FIELDS,
    CampaignRef,
    CampaignType,
    DonationRecord,
)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME = 200
MAX_EMAIL = 320
MAX_MESSAGE = 2000


@strawberry.enum(description="Why a donation could not be started.")
class StartDonationErrorCode(Enum):
    CAMPAIGN_NOT_FOUND = "campaign_not_found"
    CAMPAIGN_CLOSED = "campaign_closed"
    AMOUNT_NOT_POSITIVE = "amount_not_positive"
    AMOUNT_TOO_LARGE = "amount_too_large"
    CURRENCY_MISMATCH = "currency_mismatch"
    UNKNOWN_PROVIDER = "unknown_provider"
    PROVIDER_UNAVAILABLE = "provider_unavailable"
    INVALID_EMAIL = "invalid_email"
    TOO_LONG = "too_long"


@strawberry.type(description="One problem with a `startDonation` input, for the donor to fix.")
class StartDonationError:
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    code: StartDonationErrorCode
    message: str


@strawberry.input(description="A donation to start.")
class StartDonationInput:
    campaign: str = strawberry.field(description="The campaign's slug.")
    amount: MinorUnits = strawberry.field(description="In minor units of `currency`.")
    currency: str = strawberry.field(description="ISO 4217 code: must be the campaign's.")
    provider: str = strawberry.field(default=OFFLINE, description="See `paymentProviders`.")
    donor_name: str = ""
    donor_email: str = strawberry.field(default="", description="Private: never shown publicly.")
    anonymous: bool = strawberry.field(default=False, description='Show as "Anonymous".')
    message: str = ""
    recurring: Recurrence = Recurrence.NONE


@strawberry.type(description="A started donation, or why it could not start.")
class StartDonationPayload:
    errors: list[StartDonationError]
    reference: str | None = strawberry.field(
        default=None, description="The provider's id for this payment (a pledge's reference)."
    )
    provider: str | None = None
    redirect_url: str | None = strawberry.field(
        default=None, description="Send the donor here to pay, when the provider gives one."
    )
    client_secret: str | None = strawberry.field(
        default=None, description="For the provider's browser SDK (Stripe.js), when given."
    )
    instructions: str | None = strawberry.field(
        default=None, description="What the donor does next (an offline pledge's bank details)."
    )
    campaign: CampaignRef | None = None


def _too_long(field: str, value: str, limit: int) -> list[StartDonationError]:
    if len(value) <= limit:
        return []
    message = f"`{field}` is {len(value)} characters long; at most {limit} are kept."
    return [StartDonationError(field=field, code=StartDonationErrorCode.TOO_LONG, message=message)]


def check_input(
    data: StartDonationInput, campaign: dict[str, Any], info: Info
) -> list[StartDonationError]:
    errors: list[StartDonationError] = []
    currency = str(campaign["currency"])
    now = info.context.now
    opens_at, closes_at = campaign["opens_at"], campaign["closes_at"]
    if (
        campaign["status"] != CampaignStatus.ACTIVE
        or (opens_at is not None and opens_at > now)
        or (closes_at is not None and closes_at <= now)
    ):
        errors.append(
            StartDonationError(
                field="campaign",
                code=StartDonationErrorCode.CAMPAIGN_CLOSED,
                message=f"The campaign {data.campaign!r} is not taking donations now.",
            )
        )
    if data.currency != currency:
        errors.append(
            StartDonationError(
                field="currency",
                code=StartDonationErrorCode.CURRENCY_MISMATCH,
                message=f"This campaign collects {currency}, not {data.currency!r}.",
            )
        )
    limit = max_amount(info.context.settings) * 10 ** exponent(currency)
    if data.amount <= 0:
        errors.append(
            StartDonationError(
                field="amount",
                code=StartDonationErrorCode.AMOUNT_NOT_POSITIVE,
                message=f"`amount` must be a positive number of minor units (got {data.amount}).",
            )
        )
    elif data.amount > limit:
        errors.append(
            StartDonationError(
                field="amount",
                code=StartDonationErrorCode.AMOUNT_TOO_LARGE,
                message=(
                    f"`amount` is {data.amount} minor units; a single donation is at most "
                    f"{limit} ({max_amount(info.context.settings)} {currency})."
                ),
            )
        )
    email = data.donor_email.strip()
    if email and (len(email) > MAX_EMAIL or not EMAIL.fullmatch(email)):
        errors.append(
            StartDonationError(
                field="donorEmail",
                code=StartDonationErrorCode.INVALID_EMAIL,
                message=f"{email[:80]!r} is not an email address.",
            )
        )
    errors += _too_long("donorName", data.donor_name, MAX_NAME)
    errors += _too_long("message", data.message, MAX_MESSAGE)
    return errors


@strawberry.type(description="An offline pledge after an editor confirmed it.")
class ConfirmPledgePayload:
    donation: DonationRecord
    changed: bool = strawberry.field(description="False when it was already confirmed.")


@strawberry.type
class DonationMutations:
    @strawberry.mutation(description="Start a donation: validates it and asks the provider.")
    async def start_donation(self, info: Info, input: StartDonationInput) -> StartDonationPayload:
        context = info.context
        campaign = (
            await models.Campaign.filter(slug=slug_argument("input.campaign", input.campaign))
            .first()
            .values(*CAMPAIGN_FIELDS)
        )
        if campaign is None or campaign["status"] == CampaignStatus.DRAFT:
            return StartDonationPayload(
                errors=[
                    StartDonationError(
                        field="campaign",
                        code=StartDonationErrorCode.CAMPAIGN_NOT_FOUND,
                        message=f"No campaign has the slug {input.campaign!r}.",
                    )
                ]
            )
        errors = check_input(input, campaign, info)
        providers = runtime(context.plugin_manager).providers(context.settings)
        provider = providers.get(input.provider)
        if provider is None:
            known = ", ".join(sorted(providers)) or "none"
            errors.append(
                StartDonationError(
                    field="provider",
                    code=StartDonationErrorCode.UNKNOWN_PROVIDER,
                    message=f"No payment provider is called {input.provider!r} (known: {known}).",
                )
            )
        if errors or provider is None:
            return StartDonationPayload(errors=errors)
        email = input.donor_email.strip()
        request = DonationRequest(
            key=uuid.uuid4().hex,
            campaign_slug=str(campaign["slug"]),
            campaign_title=str(campaign["title"]),
            amount=input.amount,
            currency=input.currency,
            donor_email=email,
            recurring=Recurrence(input.recurring),
        )
        try:
            started = await provider.start(request)
        except ProviderUnavailable as error:
            return StartDonationPayload(
                errors=[
                    StartDonationError(
                        field="provider",
                        code=StartDonationErrorCode.PROVIDER_UNAVAILABLE,
                        message=f"{error} Please try again later or choose another way to give.",
                    )
                ]
            )
        try:
            await Donation.create(
                campaign_id=campaign["id"],
                amount=input.amount,
                currency=input.currency,
                donor_name=input.donor_name.strip(),
                anonymous=input.anonymous,
                donor_email=email,
                donor_key=donor_key(email, request.key),
                message=input.message.strip(),
                recurring=Recurrence(input.recurring),
                provider=provider.name,
                provider_reference=started.reference,
            )
        except IntegrityError:
            # The provider handed out a reference already recorded: never count it twice.
            raise RuntimeError(
                f"provider {provider.name!r} returned the reference {started.reference!r} twice"
            ) from None
        return StartDonationPayload(
            errors=[],
            reference=started.reference,
            provider=provider.name,
            redirect_url=started.redirect_url,
            client_secret=started.client_secret,
            instructions=started.instructions,
            campaign=CampaignType.from_row(campaign),
        )

    @strawberry.mutation(
        description=f"Record that an offline pledge's money arrived (`{CONFIRM}`).",
        permission_classes=[RequireScope(CONFIRM)],
    )
    async def confirm_pledge(self, info: Info, reference: str) -> ConfirmPledgePayload:
        context = info.context
        exists = await Donation.filter(provider=OFFLINE, provider_reference=reference).exists()
        if not exists:
            raise UserError(
                f"No offline pledge has the reference {reference!r}.", argument="reference"
            )
        event = ProviderEvent(OFFLINE, f"confirm:{reference}", EventKind.SUCCEEDED, reference)
        outcome = await apply_event(event, runtime(context.plugin_manager).broker)
        row = await Donation.get(provider=OFFLINE, provider_reference=reference).values(
            *PRIVATE_FIELDS
        )
        return ConfirmPledgePayload(
            donation=DonationRecord.from_row(row, display_locale(context.settings)),
            changed=outcome is Outcome.APPLIED,
        )
