"""Reading locations, people counts and latest posts: a fixed number of statements per call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count, Max

from hub import Person, PostSection, PostStatus
from hub_sections_map.geo import Point
from hub_sections_map.models import SectionLocation

LOCATION_FIELDS = ("section_id", "lat", "lng", "city", "region")

#: The core's rule for what anonymous readers see (hub.content.visibility), for public files.
PUBLIC_STATUSES = (PostStatus.PUBLISHED.value, PostStatus.SCHEDULED.value)


@dataclass(frozen=True)
class Location:
    section_id: int
    point: Point
    city: str
    region: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Location:
        return cls(
            section_id=row["section_id"],
            point=Point(lat=row["lat"], lng=row["lng"]),
            city=row["city"],
            region=row["region"],
        )


@dataclass(frozen=True)
class PlacedSection:
    """A section with a location, as the map shows it."""

    id: int
    slug: str
    name: str
    country_code: str
    website: str
    location: Location


@dataclass(frozen=True)
class LatestPost:
    slug: str
    title: str


async def locations_by_section(section_ids: Sequence[int]) -> dict[int, Location]:
    rows = await SectionLocation.filter(section_id__in=list(section_ids)).values(*LOCATION_FIELDS)
    return {row["section_id"]: Location.from_row(row) for row in rows}


async def placed_sections(region: str | None = None) -> list[PlacedSection]:
    """Every section that has a location (of ``region``, when given), by name: one statement."""
    query = SectionLocation.all()
    if region is not None:
        query = query.filter(region=region)
    rows = await query.order_by("section__name", "section_id").values(
        *LOCATION_FIELDS,
        slug="section__slug",
        name="section__name",
        country_code="section__country_code",
        website="section__website",
    )
    return [
        PlacedSection(
            id=row["section_id"],
            slug=row["slug"],
            name=row["name"],
            country_code=row["country_code"],
            website=row["website"],
            location=Location.from_row(row),
        )
        for row in rows
    ]


async def region_names() -> list[str]:
    rows = await SectionLocation.exclude(region="").distinct().order_by("region").values("region")
    return [row["region"] for row in rows]


async def people_counts(section_ids: Sequence[int]) -> dict[int, int]:
    rows = await (
        Person.filter(section_id__in=list(section_ids))
        .annotate(people=Count("id"))
        .group_by("section_id")
        .values("section_id", "people")
    )
    return {row["section_id"]: row["people"] for row in rows}


def _public_links(section_ids: Sequence[int], now: datetime) -> Q:
    return Q(
        section_id__in=list(section_ids),
        post__status__in=PUBLIC_STATUSES,
        post__published_at__lte=now,
    )


async def latest_public_posts(section_ids: Sequence[int], now: datetime) -> dict[int, LatestPost]:
    """Each section's newest public post: two statements, whatever the number of sections.

    The first finds each section's newest publication time (walking the link table's
    (section_id, post_id) index); the second fetches the posts published at those times.
    """
    if not section_ids:
        return {}
    newest = await (
        PostSection.filter(_public_links(section_ids, now))
        .annotate(newest=Max("post__published_at"))
        .group_by("section_id")
        .values("section_id", "newest")
    )
    if not newest:
        return {}
    newest_by_section = {row["section_id"]: row["newest"] for row in newest}
    candidates = await (
        PostSection.filter(_public_links(list(newest_by_section), now))
        .filter(post__published_at__in=list(set(newest_by_section.values())))
        .order_by("section_id", "-post__published_at", "-post_id")
        .values("section_id", "post_id", published_at="post__published_at",
                slug="post__slug", title="post__title")
    )  # fmt: skip
    latest: dict[int, LatestPost] = {}
    for row in candidates:
        section = row["section_id"]
        # Several sections' newest times may share the IN list; keep each section's own.
        if section not in latest and row["published_at"] == newest_by_section[section]:
            latest[section] = LatestPost(slug=row["slug"], title=row["title"])
    return latest
