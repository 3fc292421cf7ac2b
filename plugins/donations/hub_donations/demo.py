"""Demo content: a campaign for the appeal that closes the seed's news post.

The seed post ("Human Trafficking: When Peacekeepers Become the Problem", 21 November 2012)
ends with the organisation's donation appeal, quoted here as the campaign's description. The
seed names no currency or target: CHF (the international secretariat is in Geneva) and a goal
of CHF 50,000 are demo figures, not the organisation's.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from hub import Post
from hub_donations.models import Campaign, CampaignPost, CampaignStatus

DEMO_POST_SLUG = "human-trafficking-when-peacekeepers-become-the-problem"
DEMO_CAMPAIGN_SLUG = "lasting-change"
DEMO_CAMPAIGN = {
    "title": "Lasting change: support our work",
    # Quoted as the seed has it, typographic apostrophes included.
    "description": (
        "Your donation isn’t just a financial transaction; it’s a step toward a more "  # noqa: RUF001
        "compassionate and equitable world. With your support, we’re poised to achieve lasting "  # noqa: RUF001
        "change that echoes through generations. Thank you!"
    ),
    "goal": 5_000_000,  # CHF 50,000.00, in centimes
    "currency": "CHF",
    "opens_at": datetime(2012, 11, 21, 12, 0, tzinfo=UTC),
    "closes_at": None,
    "status": CampaignStatus.ACTIVE,
}


async def load_demo_campaign() -> None:
    """Create or refresh the demo campaign and its link to the seed post; idempotent."""
    async with in_transaction():
        campaign, _ = await Campaign.update_or_create(
            defaults=DEMO_CAMPAIGN, slug=DEMO_CAMPAIGN_SLUG
        )
        post_id = await Post.filter(slug=DEMO_POST_SLUG).values_list("id", flat=True)
        if post_id:
            await CampaignPost.update_or_create(
                defaults={"campaign_id": campaign.id}, post_id=post_id[0]
            )
