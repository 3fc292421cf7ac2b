"""The environment variables the sections map reads."""

from __future__ import annotations

from typing import Any

from hub import Setting, Settings

SECTION_URL = "HUB_SECTIONS_MAP_SECTION_URL"
POST_URL = "HUB_SECTIONS_MAP_POST_URL"
MAX_AGE = "HUB_SECTIONS_MAP_MAX_AGE"
FRAME_ANCESTORS = "HUB_SECTIONS_MAP_FRAME_ANCESTORS"


def _url_pattern(value: str) -> None:
    if not value:
        return
    if "{slug}" not in value:
        raise ValueError("must contain {slug}, such as https://example.org/news/{slug}")
    if not value.startswith(("https://", "http://", "/")):
        raise ValueError("must be an http(s) URL or a path starting with /")
    try:
        value.format(slug="x")
    except (IndexError, KeyError, ValueError):
        raise ValueError("may contain no placeholder but {slug}") from None


def _not_negative(value: int) -> None:
    if value < 0:
        raise ValueError("must be 0 or more seconds")


def _frame_ancestors(value: str) -> None:
    if any(character in value for character in ";,\r\n"):
        raise ValueError("must be CSP source expressions separated by spaces, such as 'self'")


DECLARED: tuple[Setting[Any], ...] = (
    Setting(
        SECTION_URL,
        str,
        "",
        "Where a section's page is, with {slug}, such as https://example.org/sections/{slug}; "
        "map markers link there (default: the section's website, if it has one).",
        _url_pattern,
    ),
    Setting(
        POST_URL,
        str,
        "",
        "Where a post's page is, with {slug}, such as https://example.org/news/{slug}; the "
        "GeoJSON's latestPost.url (default: no url).",
        _url_pattern,
    ),
    Setting(
        MAX_AGE,
        int,
        300,
        "Seconds browsers and caches may keep /map/sections.geojson and /map/sections.svg.",
        _not_negative,
    ),
    Setting(
        FRAME_ANCESTORS,
        str,
        "*",
        "Which sites may show /map in a frame (CSP frame-ancestors): * for any, 'none' for none.",
        _frame_ancestors,
    ),
)


def url_for(pattern: str, slug: str) -> str | None:
    return pattern.format(slug=slug) if pattern else None


def section_url(settings: Settings, slug: str, website: str) -> str | None:
    pattern: str = settings.get(SECTION_URL)
    return url_for(pattern, slug) if pattern else (website or None)


def post_url(settings: Settings, slug: str) -> str | None:
    pattern: str = settings.get(POST_URL)
    return url_for(pattern, slug)


def max_age(settings: Settings) -> int:
    seconds: int = settings.get(MAX_AGE)
    return seconds


def frame_ancestors(settings: Settings) -> str:
    sources: str = settings.get(FRAME_ANCESTORS)
    return sources
