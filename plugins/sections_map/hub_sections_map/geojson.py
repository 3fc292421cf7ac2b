"""``/map/sections.geojson``: every placed section as an RFC 7946 FeatureCollection.

Positions are ``[longitude, latitude]`` (RFC 7946 section 3.1.1) in WGS 84 with no ``crs``
member (section 4), rounded to six decimals (about 0.1 m, section 11.2); the collection has
a ``bbox`` (section 5) when it has features.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hub import Settings
from hub_sections_map import settings as map_settings
from hub_sections_map.geo import bounds_of
from hub_sections_map.store import (
    LatestPost,
    PlacedSection,
    latest_public_posts,
    people_counts,
    placed_sections,
)

MEDIA_TYPE = "application/geo+json"
DECIMALS = 6


def _latest_post(settings: Settings, post: LatestPost | None) -> dict[str, Any] | None:
    if post is None:
        return None
    return {"title": post.title, "url": map_settings.post_url(settings, post.slug)}


def feature(
    settings: Settings, section: PlacedSection, people: int, post: LatestPost | None
) -> dict[str, Any]:
    point = section.location.point
    return {
        "type": "Feature",
        "id": section.slug,
        "geometry": {
            "type": "Point",
            "coordinates": [round(point.lng, DECIMALS), round(point.lat, DECIMALS)],
        },
        "properties": {
            "slug": section.slug,
            "name": section.name,
            "countryCode": section.country_code,
            "region": section.location.region or None,
            "city": section.location.city or None,
            "url": map_settings.section_url(settings, section.slug, section.website),
            "peopleCount": people,
            "latestPost": _latest_post(settings, post),
        },
    }


async def feature_collection(settings: Settings, now: datetime | None = None) -> dict[str, Any]:
    """The collection: four statements, whatever the number of sections."""
    sections = await placed_sections()
    ids = [section.id for section in sections]
    people = await people_counts(ids)
    posts = await latest_public_posts(ids, now or datetime.now(UTC))
    collection: dict[str, Any] = {"type": "FeatureCollection"}
    box = bounds_of([section.location.point for section in sections])
    if box is not None:
        collection["bbox"] = [
            round(edge, DECIMALS) for edge in (box.west, box.south, box.east, box.north)
        ]
    collection["features"] = [
        feature(settings, section, people.get(section.id, 0), posts.get(section.id))
        for section in sections
    ]
    return collection


def encode(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
