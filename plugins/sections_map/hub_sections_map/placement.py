"""Putting sections on the map: at their country's capital unless a city is known.

The capitals (and the region each country is grouped under) come from GeoNames, shipped in
``data/capitals.json`` (see ``data/README.md``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from tortoise.transactions import in_transaction

from hub import Section
from hub_sections_map.models import SectionLocation


@dataclass(frozen=True)
class Place:
    city: str
    lat: float
    lng: float
    region: str


@cache
def capitals() -> Mapping[str, Place]:
    source = resources.files("hub_sections_map") / "data" / "capitals.json"
    document = json.loads(source.read_text(encoding="utf-8"))
    return {
        code: Place(entry["city"], entry["lat"], entry["lng"], entry["region"] or "")
        for code, entry in document["capitals"].items()
    }


async def place_unplaced_sections(
    section_ids: list[int] | None = None, known: Mapping[str, Place] | None = None
) -> int:
    """Give every section without a location (of ``section_ids``, or all) one; returns how many.

    ``known`` overrides the capital for particular section slugs. A section whose country
    has no capital on file stays off the map. Never moves a section that has a location.
    """
    query = Section.filter(map_location=None)
    if section_ids is not None:
        query = query.filter(id__in=section_ids)
    rows = await query.values("id", "slug", "country_code")
    overrides = known or {}
    placed = 0
    async with in_transaction():
        for row in rows:
            place = overrides.get(row["slug"]) or capitals().get(row["country_code"].upper())
            if place is None:
                continue
            _, created = await SectionLocation.get_or_create(
                section_id=row["id"],
                defaults={
                    "lat": place.lat,
                    "lng": place.lng,
                    "city": place.city,
                    "region": place.region,
                },
            )
            placed += created
    return placed
