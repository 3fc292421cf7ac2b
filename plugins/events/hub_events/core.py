"""Lookups of the core's sections that the plugin needs (feed filter, demo links)."""

from __future__ import annotations

from hub import Section


async def section_ids_by_slug(slugs: list[str]) -> dict[str, int]:
    rows = await Section.filter(slug__in=slugs).values("id", "slug")
    return {row["slug"]: row["id"] for row in rows}
