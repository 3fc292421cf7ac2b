"""The donations model: campaigns, their running totals, donations and processed provider events."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import ValidationError
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

from hub import Post, Section, check_slug, public_id_column
from hub_donations.currency import UnknownCurrency, exponent


class CampaignStatus(StrEnum):
    DRAFT = "draft"  # not shown publicly yet
    ACTIVE = "active"  # shown; takes donations between opens_at and closes_at
    CLOSED = "closed"  # shown with its result; takes no more donations


class DonationStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"


class Recurrence(StrEnum):
    NONE = "none"
    MONTHLY = "monthly"
    YEARLY = "yearly"


def check_currency(code: str) -> None:
    try:
        exponent(code)
    except UnknownCurrency as error:
        raise ValidationError(str(error)) from None


def donor_key(email: str, donation_key: str) -> str:
    """Who counts as one donor: an email in any letter case, or else this one donation."""
    return email.strip().lower() or f"donation:{donation_key}"


class Campaign(Model):
    id = fields.IntField(primary_key=True)
    # The stable public id its global IDs are made of (hub.public_id_column).
    public_id = public_id_column()
    slug = fields.CharField(max_length=120, unique=True, validators=[check_slug])
    title = fields.CharField(max_length=300)
    description = fields.TextField(default="")
    #: In minor units of ``currency``.
    goal = fields.BigIntField()
    currency = fields.CharField(max_length=3, validators=[check_currency])
    opens_at = fields.DatetimeField(null=True)
    closes_at = fields.DatetimeField(null=True)
    status = fields.CharEnumField(CampaignStatus, max_length=16, default=CampaignStatus.DRAFT)
    # Goes up with every change through the API (optimistic concurrency, as core content).
    version = fields.IntField(default=1, db_default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "donations_campaign"
        constraints = (CheckConstraint(check="goal > 0", name="donations_campaign_goal_positive"),)

    async def save(
        self,
        using_db: BaseDBAsyncClient | None = None,
        update_fields: Iterable[str] | None = None,
        force_create: bool = False,
        force_update: bool = False,
    ) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError("closes_at: a campaign must close after it opens")
        creating = self._saved_in_db is False
        await super().save(using_db, update_fields, force_create, force_update)
        if creating:
            # Every campaign has its totals row from the start: the ledger only ever UPDATEs it.
            await CampaignTotals.get_or_create(campaign_id=self.id, using_db=using_db)


class CampaignTotals(Model):
    """What a campaign has raised, kept by the ledger with SQL-side arithmetic only.

    A row of its own, so that donations arriving by the hundred never contend with an editor
    saving the campaign, and so the hot UPDATE touches a narrow row.
    """

    id = fields.IntField(primary_key=True)
    campaign: fields.OneToOneRelation[Campaign] = fields.OneToOneField(
        "donations.Campaign", related_name="totals", on_delete=fields.CASCADE
    )
    campaign_id: int
    #: Succeeded minus refunded, in minor units of the campaign's currency.
    raised = fields.BigIntField(default=0)
    #: Donations currently succeeded (a fully refunded one no longer counts).
    donation_count = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "donations_campaign_totals"


class CampaignSection(Model):
    id = fields.IntField(primary_key=True)
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "donations.Campaign", related_name="section_links", on_delete=fields.CASCADE
    )
    campaign_id: int
    section: fields.ForeignKeyRelation[Section] = fields.ForeignKeyField(
        "hub.Section", related_name="donations_campaign_links", on_delete=fields.CASCADE
    )
    section_id: int

    class Meta:
        table = "donations_campaign_section"
        unique_together = (("campaign", "section"),)
        # Section.campaigns reads by section first.
        indexes = (("section_id", "campaign_id"),)


class CampaignPost(Model):
    """A post that appeals for a campaign: at most one campaign per post."""

    id = fields.IntField(primary_key=True)
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "donations.Campaign", related_name="post_links", on_delete=fields.CASCADE
    )
    campaign_id: int
    post: fields.OneToOneRelation[Post] = fields.OneToOneField(
        "hub.Post", related_name="donations_campaign_link", on_delete=fields.CASCADE
    )
    post_id: int

    class Meta:
        table = "donations_campaign_post"


class Donation(Model):
    """One donation, as the provider reports it.

    ``paid``, ``failed`` and ``refunded_amount`` are the facts the provider's events told us;
    ``status`` and the campaign's totals follow from them (see ``hub_donations.state``), so
    events may arrive in any order and any number of times.
    """

    id = fields.IntField(primary_key=True)
    campaign: fields.ForeignKeyRelation[Campaign] = fields.ForeignKeyField(
        "donations.Campaign", related_name="donations", on_delete=fields.RESTRICT
    )
    campaign_id: int
    #: In minor units of ``currency`` (always the campaign's).
    amount = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    donor_name = fields.CharField(max_length=200, default="")
    anonymous = fields.BooleanField(default=False)
    donor_email = fields.CharField(max_length=320, default="")
    #: Who counts as one donor for ``donorCount``: the lower-cased email, or this donation.
    donor_key = fields.CharField(max_length=330)
    message = fields.TextField(default="")
    recurring = fields.CharEnumField(Recurrence, max_length=16, default=Recurrence.NONE)
    status = fields.CharEnumField(DonationStatus, max_length=16, default=DonationStatus.PENDING)
    provider = fields.CharField(max_length=40)
    #: The provider's id for the payment (a PaymentIntent id, a pledge reference): unique, so a
    #: payment is never recorded twice.
    provider_reference = fields.CharField(max_length=255, unique=True)
    paid = fields.BooleanField(default=False)
    failed = fields.BooleanField(default=False)
    refunded_amount = fields.BigIntField(default=0)
    #: When the payment succeeded (shown as the donation's date).
    succeeded_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "donations_donation"
        # recentDonations and donorCount read a campaign's succeeded donations, newest first.
        indexes = (("campaign_id", "status", "succeeded_at"),)
        constraints = (
            CheckConstraint(check="amount > 0", name="donations_donation_amount_positive"),
            CheckConstraint(
                check="refunded_amount >= 0 AND refunded_amount <= amount",
                name="donations_donation_refund_within_amount",
            ),
        )


class ProcessedEvent(Model):
    """A provider event already applied: inserted first, so a redelivery fails on the key."""

    id = fields.IntField(primary_key=True)
    provider = fields.CharField(max_length=40)
    event_id = fields.CharField(max_length=255)
    received_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "donations_processed_event"
        unique_together = (("provider", "event_id"),)
