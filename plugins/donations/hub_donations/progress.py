"""A campaign's progress: the figures pushed to subscribers and drawn in the SVG."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from tortoise.functions import Count

from hub_donations.models import (
    Campaign,
    CampaignStatus,
    CampaignTotals,
    Donation,
    DonationStatus,
)


@dataclass(frozen=True)
class Progress:
    slug: str
    title: str
    currency: str
    goal: int
    raised: int
    donation_count: int
    donor_count: int

    @property
    def percent(self) -> float:
        """Share of the goal raised, in percent with one decimal (may pass 100)."""
        return round(self.raised * 100 / self.goal, 1)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Progress:
        return cls(**values)


async def donor_counts(campaign_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(donations, distinct donors) of each campaign's succeeded donations: one statement."""
    rows = await (
        Donation.filter(campaign_id__in=campaign_ids, status=DonationStatus.SUCCEEDED)
        .group_by("campaign_id")
        .annotate(donations=Count("id"), donors=Count("donor_key", distinct=True))
        .values("campaign_id", "donations", "donors")
    )
    return {row["campaign_id"]: (row["donations"], row["donors"]) for row in rows}


async def public_campaign_id(slug: str) -> int | None:
    """The id of the campaign shown publicly under ``slug`` (drafts are not)."""
    row = await (
        Campaign.filter(slug=slug, status__in=(CampaignStatus.ACTIVE, CampaignStatus.CLOSED))
        .first()
        .values("id")
    )
    return None if row is None else int(row["id"])


async def load_progress(campaign_id: int) -> Progress | None:
    campaign = (
        await Campaign.filter(id=campaign_id).first().values("slug", "title", "currency", "goal")
    )
    totals = (
        await CampaignTotals.filter(campaign_id=campaign_id)
        .first()
        .values("raised", "donation_count")
    )
    if campaign is None or totals is None:
        return None
    _, donors = (await donor_counts([campaign_id])).get(campaign_id, (0, 0))
    return Progress(
        slug=campaign["slug"],
        title=campaign["title"],
        currency=campaign["currency"],
        goal=campaign["goal"],
        raised=totals["raised"],
        donation_count=totals["donation_count"],
        donor_count=donors,
    )
