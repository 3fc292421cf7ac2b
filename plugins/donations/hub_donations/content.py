"""The campaign, declared once: its fields, limits, links and checks.

The hub derives from it the columns loaders read, ``CampaignType.from_row``, the validation
shared by imports and mutations, ``createCampaign``/``updateCampaign``/``deleteCampaign`` with
versions, audit and the scope ``donations:write`` (``hub.edited``: the ``Campaign`` type stays
hand-written for its money fields), import/export records, search documents and the content
events ``campaign.changed`` and ``campaign.deleted``. Donations are not content: they come from
payment providers and stay the plugin's own (``hub donations export``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from hub import ContentType, Editing, declare
from hub_donations import models
from hub_donations.currency import exponent
from hub_donations.permissions import WRITE


def _check_currency(code: str) -> None:
    exponent(code)  # UnknownCurrency is a ValueError naming the code


def _closes_after_it_opens(campaign: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    opens, closes = campaign.get("opens_at"), campaign.get("closes_at")
    if isinstance(opens, datetime) and isinstance(closes, datetime) and closes <= opens:
        yield "closes_at", "must be after opens_at: a campaign must close after it opens"


CAMPAIGN = ContentType(
    "Campaign",
    models.Campaign,
    plural="campaigns",
    description="A fundraising campaign with a goal.",
    fields={
        "slug": declare.slug(),
        # Not searchable: search shows drafts' existence in its counts unless a type has the
        # posts' lifecycle, and a draft campaign is the organisation's secret until it opens.
        "title": declare.short_text(300, required=True),
        "description": declare.text(),
        # In minor units of `currency` (cents for EUR, yen for JPY); served as a Money.
        "goal": declare.integer(required=True, minimum=1, big=True, attribute="goal_amount"),
        "currency": declare.short_text(
            3,
            required=True,
            check=_check_currency,
            description="ISO 4217 code every donation is made in.",
        ),
        "opens_at": declare.datetime_field(
            nullable=True, default=None, description="Takes donations from then on."
        ),
        "closes_at": declare.datetime_field(
            nullable=True, default=None, description="Takes no donations from then on."
        ),
        "status": declare.enum(
            models.CampaignStatus, default=models.CampaignStatus.DRAFT, filterable=True
        ),
        "updated_at": declare.datetime_field(read_only=True, on_type=False),
    },
    links={
        "sections": declare.links(
            "Section", models.CampaignSection, description="The sections it raises money for."
        ),
        "posts": declare.links(
            "Post", models.CampaignPost, description="Posts appealing for it (one campaign each)."
        ),
    },
    checks=(_closes_after_it_opens,),
    by_id_loader="donations_campaign_by_id",
    editing=Editing(
        scopes=(WRITE,),
        descriptions={
            "create": "Create a fundraising campaign (a DRAFT unless `status` says otherwise). "
            "`goal` is in minor units of `currency` (cents for EUR).",
            "update": "Change a campaign: fields left out stay as they are; `sections` and "
            "`posts`, when given, replace the lists.",
            "delete": "Delete a campaign with its donations and totals.",
        },
    ),
)
