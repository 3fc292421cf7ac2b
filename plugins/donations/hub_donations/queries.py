"""Root query fields of the donations plugin."""

from __future__ import annotations

import strawberry

from hub import Connection, Info, Ordering, PageArgs, SortColumn, paginate, slug_argument
from hub_donations import models
from hub_donations.loaders import PUBLIC_STATUSES
from hub_donations.models import CampaignStatus
from hub_donations.runtime import runtime
from hub_donations.types import CAMPAIGN_FIELDS, CampaignRef, CampaignType

CAMPAIGNS_NEWEST_FIRST = Ordering("campaigns_newest", (SortColumn("id", True, "int"),))


@strawberry.type
class DonationQueries:
    @strawberry.field(description="Fundraising campaigns, newest first; `status` narrows them.")
    async def campaigns(
        self,
        info: Info,
        status: CampaignStatus | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[CampaignRef]:
        queryset = models.Campaign.filter(status__in=PUBLIC_STATUSES)
        if status is not None:
            queryset = queryset.filter(status=status)
        page = await paginate(
            queryset, CAMPAIGNS_NEWEST_FIRST, PageArgs(first, after, last, before), CAMPAIGN_FIELDS
        )
        return Connection.from_page(page, CampaignType.from_row)

    @strawberry.field(description="A campaign by its slug, or null.")
    async def campaign(self, info: Info, slug: str) -> CampaignRef | None:
        row = await (
            models.Campaign.filter(slug=slug_argument("slug", slug), status__in=PUBLIC_STATUSES)
            .first()
            .values(*CAMPAIGN_FIELDS)
        )
        return CampaignType.from_row(row) if row else None

    @strawberry.field(description='Payment providers `startDonation` accepts, such as "offline".')
    def payment_providers(self, info: Info) -> list[str]:
        return sorted(runtime(info.context.plugin_manager).providers(info.context.settings))
