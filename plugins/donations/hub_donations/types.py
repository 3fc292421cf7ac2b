"""GraphQL types of the donations plugin, and the fields it adds to ``Section`` and ``Post``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

import strawberry
from strawberry import relay

from hub import (
    Connection,
    Info,
    Ordering,
    PageArgs,
    PostRef,
    RowReader,
    SectionRef,
    SortColumn,
    UserError,
    edited,
    nodes_by_pk,
    paginate,
    ref,
    row_reader,
)
from hub_donations.content import CAMPAIGN
from hub_donations.models import CampaignStatus, Donation, DonationStatus, Recurrence
from hub_donations.money import Money
from hub_donations.permissions import READ_PRIVATE, RequireScope
from hub_donations.progress import Progress
from hub_donations.settings import display_locale

if TYPE_CHECKING:
    CampaignRef: TypeAlias = "CampaignType"
else:
    CampaignRef = ref("Campaign")

# The model's enums are the GraphQL enums: one list of values, registered here by name.
strawberry.enum(
    CampaignStatus, name="CampaignStatus", description="Where a campaign is in its life."
)
strawberry.enum(
    DonationStatus, name="DonationStatus", description="Where a donation's payment stands."
)
strawberry.enum(Recurrence, name="Recurrence", description="How often a donation repeats.")

MAX_RECENT = 20
DONATIONS_NEWEST_FIRST = Ordering(
    "donations_newest",
    (SortColumn("created_at", True, "datetime"), SortColumn("id", True, "int")),
)
ANONYMOUS = "Anonymous"


def locale(info: Info) -> str:
    return display_locale(info.context.settings)


@dataclass(frozen=True)
class Totals:
    raised: int
    donation_count: int


@strawberry.type(name="Donation", description="A succeeded donation, as anyone may see it.")
class PublicDonation:
    display_name: str = strawberry.field(description='The donor\'s name, or "Anonymous".')
    amount: Money
    message: str
    date: datetime = strawberry.field(description="When the payment succeeded.")
    recurring: Recurrence

    @classmethod
    def from_row(cls, row: dict[str, Any], locale: str) -> PublicDonation:
        name = "" if row["anonymous"] else row["donor_name"].strip()
        return cls(
            display_name=name or ANONYMOUS,
            amount=Money.of(row["amount"], row["currency"], locale),
            message=row["message"],
            date=row["succeeded_at"],
            recurring=Recurrence(row["recurring"]),
        )


PRIVATE_FIELDS = (
    "id", "provider_reference", "provider", "donor_name", "donor_email", "anonymous", "amount",
    "currency", "refunded_amount", "message", "recurring", "status", "created_at", "succeeded_at",
)  # fmt: skip


@strawberry.type(
    name="DonationRecord",
    description=f"A donation with the donor's personal data: only with `{READ_PRIVATE}`.",
)
class DonationRecord:
    reference: str = strawberry.field(description="The payment provider's id for the payment.")
    provider: str
    donor_name: str
    donor_email: str
    anonymous: bool = strawberry.field(description="The donor asked not to be named publicly.")
    amount: Money
    refunded: Money
    message: str
    recurring: Recurrence
    status: DonationStatus
    created_at: datetime
    succeeded_at: datetime | None

    @classmethod
    def from_row(cls, row: dict[str, Any], locale: str) -> DonationRecord:
        return cls(
            reference=row["provider_reference"],
            provider=row["provider"],
            donor_name=row["donor_name"],
            donor_email=row["donor_email"],
            anonymous=row["anonymous"],
            amount=Money.of(row["amount"], row["currency"], locale),
            refunded=Money.of(row["refunded_amount"], row["currency"], locale),
            message=row["message"],
            recurring=Recurrence(row["recurring"]),
            status=DonationStatus(row["status"]),
            created_at=row["created_at"],
            succeeded_at=row["succeeded_at"],
        )


#: The columns a campaign is read with, from its declaration.
CAMPAIGN_FIELDS = CAMPAIGN.row_columns


def _described(name: str) -> str:
    return CAMPAIGN.fields[name].description


@strawberry.type(name="Campaign", description=CAMPAIGN.description)
class CampaignType(relay.Node):
    id: relay.NodeID[int]
    # Read with the row (row_columns); the stable id export and import carry.
    public_id: strawberry.Private[str | None] = None
    slug: str
    title: str
    description: str
    currency: str = strawberry.field(description=_described("currency"))
    status: CampaignStatus
    opens_at: datetime | None = strawberry.field(description=_described("opens_at"))
    closes_at: datetime | None = strawberry.field(description=_described("closes_at"))
    goal_amount: strawberry.Private[int]
    from_row: ClassVar[RowReader[CampaignType]]

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[CampaignType | None]:
        campaigns: list[CampaignType | None] = await nodes_by_pk(
            info, "donations_campaign_by_id", node_ids, required
        )
        return campaigns

    @strawberry.field(description="Whether it takes donations now.")
    def is_open(self, info: Info) -> bool:
        now = info.context.now
        return (
            self.status is CampaignStatus.ACTIVE
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or now < self.closes_at)
        )

    @strawberry.field(description="What the campaign aims to raise.")
    def goal(self, info: Info) -> Money:
        return Money.of(self.goal_amount, self.currency, locale(info))

    async def _totals(self, info: Info) -> Totals:
        totals: Totals = await info.context.loaders["donations_totals"].load(self.id)
        return totals

    @strawberry.field(description="Succeeded donations minus refunds.")
    async def raised(self, info: Info) -> Money:
        totals = await self._totals(info)
        return Money.of(totals.raised, self.currency, locale(info))

    @strawberry.field(
        description="Share of the goal raised, in percent, one decimal; may pass 100."
    )
    async def percent(self, info: Info) -> float:
        totals = await self._totals(info)
        return round(totals.raised * 100 / self.goal_amount, 1)

    @strawberry.field(description="Succeeded donations (fully refunded ones no longer count).")
    async def donation_count(self, info: Info) -> int:
        return (await self._totals(info)).donation_count

    @strawberry.field(description="Distinct donors (by email) of the succeeded donations.")
    async def donor_count(self, info: Info) -> int:
        count: int = await info.context.loaders["donations_donor_count"].load(self.id)
        return count

    @strawberry.field(
        description=f"The newest succeeded donations, newest first (at most {MAX_RECENT})."
    )
    async def recent_donations(self, info: Info, first: int = 5) -> list[PublicDonation]:
        if not 0 <= first <= MAX_RECENT:
            raise UserError(
                f"`first` must be between 0 and {MAX_RECENT} (got {first}).", argument="first"
            )
        rows: list[dict[str, Any]] = await info.context.loaders["donations_recent"].load(self.id)
        return [PublicDonation.from_row(row, locale(info)) for row in rows[:first]]

    @strawberry.field(description="Sections running this campaign.")
    async def sections(self, info: Info) -> list[SectionRef]:
        ids: list[int] = await info.context.loaders["donations_campaign_section_ids"].load(self.id)
        sections = await info.context.loaders["section_by_id"].load_many(ids)
        return [section for section in sections if section is not None]

    @strawberry.field(
        description=f"Every donation with the donor's data, newest first (`{READ_PRIVATE}`).",
        permission_classes=[RequireScope(READ_PRIVATE)],
    )
    async def donations(
        self,
        info: Info,
        status: DonationStatus | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[DonationRecord]:
        queryset = Donation.filter(campaign_id=self.id)
        if status is not None:
            queryset = queryset.filter(status=status)
        page = await paginate(
            queryset, DONATIONS_NEWEST_FIRST, PageArgs(first, after, last, before), PRIVATE_FIELDS
        )
        shown = locale(info)
        return Connection.from_page(page, lambda row: DonationRecord.from_row(row, shown))


# ``from_row`` comes from the declaration: one generated function (see ``hub.row_reader``).
CampaignType.from_row = row_reader(CAMPAIGN, CampaignType)

#: ``createCampaign``/``updateCampaign``/``deleteCampaign``, ``Campaign.version`` and its loader,
#: derived from the declaration; the type itself stays hand-written (money, totals, donations).
EDITED = edited(CAMPAIGN, CampaignType.from_row)


@strawberry.type(name="CampaignProgress", description="A campaign's figures at one moment.")
class CampaignProgress:
    slug: str
    goal: Money
    raised: Money
    percent: float
    donation_count: int
    donor_count: int

    @classmethod
    def of(cls, progress: Progress, locale: str) -> CampaignProgress:
        return cls(
            slug=progress.slug,
            goal=Money.of(progress.goal, progress.currency, locale),
            raised=Money.of(progress.raised, progress.currency, locale),
            percent=progress.percent,
            donation_count=progress.donation_count,
            donor_count=progress.donor_count,
        )


async def section_campaigns(root: SectionRef, info: Info) -> list[CampaignRef]:
    campaigns: list[CampaignType] = await info.context.loaders["donations_by_section"].load(root.id)
    return campaigns


async def post_campaign(root: PostRef, info: Info) -> CampaignRef | None:
    campaign: CampaignType | None = await info.context.loaders["donations_by_post"].load(root.id)
    return campaign


@strawberry.type
class SectionCampaignFields:
    """Added to the core ``Section``."""

    campaigns: list[CampaignRef] = strawberry.field(
        resolver=section_campaigns, description="Fundraising campaigns this section runs."
    )


@strawberry.type
class PostCampaignFields:
    """Added to the core ``Post``."""

    campaign: CampaignRef | None = strawberry.field(
        resolver=post_campaign, description="The campaign this post appeals for, if any."
    )
