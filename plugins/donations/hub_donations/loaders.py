"""Per-request DataLoaders of the donations plugin: a fixed number of statements per batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from strawberry.dataloader import DataLoader
from tortoise import connections

from hub import Context, LoaderFactory
from hub_donations.models import (
    Campaign,
    CampaignPost,
    CampaignSection,
    CampaignStatus,
    CampaignTotals,
    Donation,
    DonationStatus,
)
from hub_donations.progress import donor_counts
from hub_donations.types import (
    CAMPAIGN_FIELDS,
    MAX_RECENT,
    CampaignType,
    Totals,
)

#: Drafts are for editors: the public API never shows them.
PUBLIC_STATUSES = (CampaignStatus.ACTIVE, CampaignStatus.CLOSED)
RECENT_FIELDS = ("id", "campaign_id", "donor_name", "anonymous", "amount", "currency", "message",
                 "succeeded_at", "recurring")  # fmt: skip


def _campaign_by_id(context: Context) -> DataLoader[int, CampaignType | None]:
    async def load(ids: Sequence[int]) -> list[CampaignType | None]:
        rows = await Campaign.filter(id__in=list(ids), status__in=PUBLIC_STATUSES).values(
            *CAMPAIGN_FIELDS
        )
        found = {row["id"]: CampaignType.from_row(row) for row in rows}
        return [found.get(key) for key in ids]

    return DataLoader(load_fn=load)


def _totals(context: Context) -> DataLoader[int, Totals]:
    async def load(ids: Sequence[int]) -> list[Totals]:
        rows = await CampaignTotals.filter(campaign_id__in=list(ids)).values(
            "campaign_id", "raised", "donation_count"
        )
        found = {row["campaign_id"]: Totals(row["raised"], row["donation_count"]) for row in rows}
        return [found.get(key, Totals(0, 0)) for key in ids]

    return DataLoader(load_fn=load)


def _donor_count(context: Context) -> DataLoader[int, int]:
    async def load(ids: Sequence[int]) -> list[int]:
        counts = await donor_counts(list(ids))
        return [counts.get(key, (0, 0))[1] for key in ids]

    return DataLoader(load_fn=load)


def _recent(context: Context) -> DataLoader[int, list[dict[str, Any]]]:
    """The newest MAX_RECENT succeeded donations of each campaign: two statements per batch.

    ROW_NUMBER() (SQLite and PostgreSQL alike) picks each campaign's newest ids through the
    (campaign_id, status, succeeded_at) index; the ORM then reads those rows with typed values.
    """

    async def load(ids: Sequence[int]) -> list[list[dict[str, Any]]]:
        # The keys are primary keys from our own rows: integers, safe to write into the text.
        id_list = ", ".join(str(int(key)) for key in ids)
        ranked = await connections.get("default").execute_query_dict(
            "SELECT id FROM ("
            " SELECT id, ROW_NUMBER() OVER ("
            "  PARTITION BY campaign_id ORDER BY succeeded_at DESC, id DESC) AS position"
            f" FROM donations_donation WHERE status = '{DonationStatus.SUCCEEDED.value}'"
            f" AND campaign_id IN ({id_list})"
            f") AS ranked WHERE position <= {MAX_RECENT}"
        )
        rows = await (
            Donation.filter(id__in=[row["id"] for row in ranked])
            .order_by("-succeeded_at", "-id")
            .values(*RECENT_FIELDS)
        )
        groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            groups[row["campaign_id"]].append(row)
        return [groups.get(key, []) for key in ids]

    return DataLoader(load_fn=load)


def _section_ids(context: Context) -> DataLoader[int, list[int]]:
    async def load(ids: Sequence[int]) -> list[list[int]]:
        rows = await (
            CampaignSection.filter(campaign_id__in=list(ids))
            .order_by("campaign_id", "section__name")
            .values("campaign_id", "section_id")
        )
        groups: dict[int, list[int]] = defaultdict(list)
        for row in rows:
            groups[row["campaign_id"]].append(row["section_id"])
        return [groups.get(key, []) for key in ids]

    return DataLoader(load_fn=load)


_CAMPAIGN_COLUMNS = {f"campaign_{field}": f"campaign__{field}" for field in CAMPAIGN_FIELDS}


def _campaign_of(row: dict[str, Any]) -> CampaignType:
    return CampaignType.from_row({field: row[f"campaign_{field}"] for field in CAMPAIGN_FIELDS})


def _by_section(context: Context) -> DataLoader[int, list[CampaignType]]:
    # The join starts from the link table, whose (section_id, campaign_id) index leads.
    async def load(ids: Sequence[int]) -> list[list[CampaignType]]:
        rows = await (
            CampaignSection.filter(section_id__in=list(ids), campaign__status__in=PUBLIC_STATUSES)
            .order_by("section_id", "-campaign__opens_at", "campaign_id")
            .values("section_id", **_CAMPAIGN_COLUMNS)
        )
        groups: dict[int, list[CampaignType]] = defaultdict(list)
        for row in rows:
            groups[row["section_id"]].append(_campaign_of(row))
        return [groups.get(key, []) for key in ids]

    return DataLoader(load_fn=load)


def _by_post(context: Context) -> DataLoader[int, CampaignType | None]:
    async def load(ids: Sequence[int]) -> list[CampaignType | None]:
        rows = await CampaignPost.filter(
            post_id__in=list(ids), campaign__status__in=PUBLIC_STATUSES
        ).values("post_id", **_CAMPAIGN_COLUMNS)
        found = {row["post_id"]: _campaign_of(row) for row in rows}
        return [found.get(key) for key in ids]

    return DataLoader(load_fn=load)


def dataloaders() -> Mapping[str, LoaderFactory]:
    return {
        "donations_campaign_by_id": _campaign_by_id,
        "donations_totals": _totals,
        "donations_donor_count": _donor_count,
        "donations_recent": _recent,
        "donations_campaign_section_ids": _section_ids,
        "donations_by_section": _by_section,
        "donations_by_post": _by_post,
    }
