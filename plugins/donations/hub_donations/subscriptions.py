"""The live progress of a campaign, over graphql-transport-ws."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from hub import Info, UserError, slug_argument
from hub_donations.progress import load_progress, public_campaign_id
from hub_donations.runtime import runtime
from hub_donations.settings import display_locale
from hub_donations.types import CampaignProgress


@strawberry.type
class DonationSubscriptions:
    @strawberry.subscription(
        description=(
            "The campaign's figures now, then again each time a donation to it succeeds or is "
            "refunded."
        )
    )
    async def campaign_progress(
        self, info: Info, slug: str
    ) -> AsyncGenerator[CampaignProgress, None]:
        context = info.context
        locale = display_locale(context.settings)
        broker = runtime(context.plugin_manager).broker
        slug_argument("slug", slug)
        # Subscribed before reading the current figures, so no update falls in between.
        async with broker.subscribe(slug) as updates:
            campaign_id = await public_campaign_id(slug)
            current = await load_progress(campaign_id) if campaign_id is not None else None
            if current is None:
                raise UserError(f"No campaign has the slug {slug!r}.", argument="slug")
            yield CampaignProgress.of(current, locale)
            async for progress in updates:
                yield CampaignProgress.of(progress, locale)
