"""The environment variables the delivery plugin reads."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from hub import Setting, Settings
from hub_delivery.ratelimit import Rate, parse_rate

MAX_AGE = "HUB_DELIVERY_MAX_AGE"
TYPE_MAX_AGE = "HUB_DELIVERY_TYPE_MAX_AGE"
ALLOWLIST = "HUB_DELIVERY_ALLOWLIST"
RESPONSE_CACHE_ENTRIES = "HUB_DELIVERY_RESPONSE_CACHE_ENTRIES"
PERSISTED_QUERY_ENTRIES = "HUB_DELIVERY_PERSISTED_QUERY_ENTRIES"
PERSISTED_QUERY_TTL = "HUB_DELIVERY_PERSISTED_QUERY_TTL"
POST_URL = "HUB_DELIVERY_POST_URL"
MAP_URL = "HUB_DELIVERY_MAP_URL"
SECTION_URL = "HUB_DELIVERY_SECTION_URL"
PERSON_URL = "HUB_DELIVERY_PERSON_URL"
THEME_URL = "HUB_DELIVERY_THEME_URL"
SITEMAP_MAX_URLS = "HUB_DELIVERY_SITEMAP_MAX_URLS"
#: The sitemaps.org limit of URLs in one sitemap file.
SITEMAP_PROTOCOL_MAX = 50_000
FEED_TITLE = "HUB_DELIVERY_FEED_TITLE"
PARTNER_RATE = "HUB_DELIVERY_PARTNER_RATE"
PARTNER_BURST = "HUB_DELIVERY_PARTNER_BURST"
ANONYMOUS_RATE = "HUB_DELIVERY_ANONYMOUS_RATE"
ANONYMOUS_BURST = "HUB_DELIVERY_ANONYMOUS_BURST"
PARTNER_REFRESH = "HUB_DELIVERY_PARTNER_REFRESH"
REDIS_URL = "HUB_REDIS_URL"
VARNISH_URL = "HUB_DELIVERY_VARNISH_URL"
FASTLY_SERVICE_ID = "HUB_DELIVERY_FASTLY_SERVICE_ID"
FASTLY_API_TOKEN = "HUB_DELIVERY_FASTLY_API_TOKEN"
FASTLY_API_BASE = "HUB_DELIVERY_FASTLY_API_BASE"
CLOUDFLARE_ZONE_ID = "HUB_DELIVERY_CLOUDFLARE_ZONE_ID"
CLOUDFLARE_API_TOKEN = "HUB_DELIVERY_CLOUDFLARE_API_TOKEN"
CLOUDFLARE_API_BASE = "HUB_DELIVERY_CLOUDFLARE_API_BASE"

_TYPE_AGE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(\d+)$")


def _not_negative(value: int) -> None:
    if value < 0:
        raise ValueError("must be 0 or more")


def parse_type_max_ages(items: tuple[str, ...]) -> dict[str, int]:
    """``("Post=300", "Section=3600")`` as ``{"Post": 300, "Section": 3600}``."""
    ages: dict[str, int] = {}
    for item in items:
        match = _TYPE_AGE.fullmatch(item.strip())
        if match is None:
            raise ValueError(f"{item!r} is not TypeName=seconds, such as Post=300")
        ages[match.group(1)] = int(match.group(2))
    return ages


def _type_max_ages(items: tuple[str, ...]) -> None:
    parse_type_max_ages(items)


def _absolute_url(value: str) -> None:
    if value and not re.fullmatch(r"https?://[^\s/?#]+/?[^\s]*", value):
        raise ValueError("must be an absolute http(s) URL, such as https://example.org/map")


def _post_url_pattern(value: str) -> None:
    _absolute_url(value)
    if value and value.count("{slug}") != 1:
        raise ValueError("must contain {slug} once, such as https://example.org/news/{slug}")


def _sitemap_size(value: int) -> None:
    if not 1 <= value <= SITEMAP_PROTOCOL_MAX:
        raise ValueError(f"must be from 1 to {SITEMAP_PROTOCOL_MAX} (the sitemaps.org limit)")


def _rate_or_off(value: str) -> None:
    if value:
        parse_rate(value)


def _not_negative_seconds(value: float) -> None:
    if value < 0:
        raise ValueError("must be 0 or more seconds")


def _positive(value: int) -> None:
    if value < 1:
        raise ValueError("must be 1 or more")


def _redis_url(value: str) -> None:
    if value and not re.fullmatch(r"(redis|rediss|unix)://\S+", value):
        raise ValueError("must be a Redis URL such as redis://127.0.0.1:6379/0")


DECLARED: tuple[Setting[Any], ...] = (
    Setting(
        MAX_AGE,
        int,
        60,
        "Seconds anonymous GraphQL GET answers may be cached (Cache-Control max-age) when no "
        "type in the answer has its own value in HUB_DELIVERY_TYPE_MAX_AGE.",
        _not_negative,
    ),
    Setting(
        TYPE_MAX_AGE,
        tuple,
        (),
        "Per-type max-age, comma-separated TypeName=seconds such as Post=60,Section=3600; an "
        "answer gets the smallest max-age of the types it contains.",
        _type_max_ages,
    ),
    Setting(
        ALLOWLIST,
        bool,
        False,
        "Only run registered operations (`hub queries register`) for requests without a token.",
    ),
    Setting(
        RESPONSE_CACHE_ENTRIES,
        int,
        1000,
        "How many anonymous GET answers the in-process response cache keeps (0: no cache).",
        _not_negative,
    ),
    Setting(
        PERSISTED_QUERY_ENTRIES,
        int,
        10_000,
        "How many automatic persisted queries each process remembers (least recently used go).",
        _not_negative,
    ),
    Setting(
        PERSISTED_QUERY_TTL,
        int,
        86_400,
        "With HUB_REDIS_URL: seconds Redis keeps an automatic persisted query after it was last "
        "sent or used, for every server process to find it.",
        _positive,
    ),
    Setting(
        POST_URL,
        str,
        "",
        "Public URL of a post on the organisation's site, with {slug}, such as "
        "https://example.org/news/{slug}. Feeds link to it and oEmbed embeds it; empty turns "
        "both off for posts.",
        _post_url_pattern,
    ),
    Setting(
        MAP_URL,
        str,
        "",
        "Public URL of the page showing the sections map, such as https://example.org/map; "
        "oEmbed embeds the hub's /map for it. Empty: the map is not embeddable by URL.",
        _absolute_url,
    ),
    *(
        Setting(
            name,
            str,
            "",
            f"Public URL of a {label}'s page on the organisation's site, with {{slug}}, such as "
            f"https://example.org/{example}/{{slug}}; /sitemap.xml lists {plural} only with it.",
            _post_url_pattern,
        )
        for name, label, plural, example in (
            (SECTION_URL, "section", "sections", "sections"),
            (PERSON_URL, "person", "people", "people"),
            (THEME_URL, "theme", "themes", "themes"),
        )
    ),
    Setting(
        SITEMAP_MAX_URLS,
        int,
        SITEMAP_PROTOCOL_MAX,
        "Most URLs in one sitemap file; beyond it /sitemap.xml is a sitemap index of "
        "/sitemaps/N.xml files (sitemaps.org allows at most 50000).",
        _sitemap_size,
    ),
    Setting(
        FEED_TITLE,
        str,
        "Latest posts",
        "Title of the feeds under /feeds; a filtered feed adds the theme, section or author.",
    ),
    Setting(
        PARTNER_RATE,
        str,
        "600/min",
        "Requests a partner key may make (per s, min or h) unless its policy says otherwise; "
        "empty: partner keys are not rate limited by default.",
        _rate_or_off,
    ),
    Setting(
        PARTNER_BURST,
        int,
        60,
        "Requests a partner key may make at once, on top of its rate (the token bucket's size).",
        _positive,
    ),
    Setting(
        ANONYMOUS_RATE,
        str,
        "",
        "Requests /graphql answers per client IP address without a token, such as 120/min; "
        "empty (the default): no limit, as many visitors may share one address.",
        _rate_or_off,
    ),
    Setting(
        ANONYMOUS_BURST,
        int,
        30,
        "Requests one client IP address may make at once without a token.",
        _positive,
    ),
    Setting(
        PARTNER_REFRESH,
        float,
        5.0,
        "Seconds a process keeps the partner policies before reading them again: how long a "
        "change from `hub partners` takes to reach running servers.",
        _not_negative_seconds,
    ),
    Setting(
        REDIS_URL,
        str,
        "",
        "Redis URL (redis://host:6379/0): rate limits are then counted in Redis, and automatic "
        "persisted queries kept there, shared by every server process, instead of in each.",
        _redis_url,
    ),
    Setting(
        VARNISH_URL,
        str,
        "",
        "URL of the Varnish in front of the hub, running deploy/varnish/hub.vcl, such as "
        "http://127.0.0.1:6081/: changes purge its answers by surrogate key (xkey).",
        _absolute_url,
    ),
    Setting(FASTLY_SERVICE_ID, str, "", "Fastly service id: changes purge it by surrogate key."),
    Setting(FASTLY_API_TOKEN, str, "", "Fastly API token allowed to purge that service."),
    Setting(
        FASTLY_API_BASE,
        str,
        "https://api.fastly.com",
        "Base URL of the Fastly API (change only to point at a test double).",
        _absolute_url,
    ),
    Setting(CLOUDFLARE_ZONE_ID, str, "", "Cloudflare zone id: changes purge it by cache tag."),
    Setting(CLOUDFLARE_API_TOKEN, str, "", "Cloudflare API token allowed to purge that zone."),
    Setting(
        CLOUDFLARE_API_BASE,
        str,
        "https://api.cloudflare.com/client/v4",
        "Base URL of the Cloudflare API (change only to point at a test double).",
        _absolute_url,
    ),
)


def max_age(settings: Settings) -> int:
    seconds: int = settings.get(MAX_AGE)
    return seconds


def type_max_ages(settings: Settings) -> Mapping[str, int]:
    return parse_type_max_ages(settings.get(TYPE_MAX_AGE))


def allowlist_enabled(settings: Settings) -> bool:
    enabled: bool = settings.get(ALLOWLIST)
    return enabled


def response_cache_entries(settings: Settings) -> int:
    entries: int = settings.get(RESPONSE_CACHE_ENTRIES)
    return entries


def persisted_query_entries(settings: Settings) -> int:
    entries: int = settings.get(PERSISTED_QUERY_ENTRIES)
    return entries


def persisted_query_ttl(settings: Settings) -> int:
    seconds: int = settings.get(PERSISTED_QUERY_TTL)
    return seconds


def post_url_pattern(settings: Settings) -> str:
    pattern: str = settings.get(POST_URL)
    return pattern


def map_url(settings: Settings) -> str:
    url: str = settings.get(MAP_URL)
    return url


def object_url_patterns(settings: Settings) -> dict[str, str]:
    """The public URL patterns set for sections, people and themes, by type name."""
    named = {"Section": SECTION_URL, "Person": PERSON_URL, "Theme": THEME_URL}
    patterns = {type_name: settings.get(name) for type_name, name in named.items()}
    return {type_name: pattern for type_name, pattern in patterns.items() if pattern}


def sitemap_max_urls(settings: Settings) -> int:
    most: int = settings.get(SITEMAP_MAX_URLS)
    return most


def feed_title(settings: Settings) -> str:
    title: str = settings.get(FEED_TITLE)
    return title


def partner_rate(settings: Settings) -> Rate | None:
    rate: str = settings.get(PARTNER_RATE)
    return parse_rate(rate, settings.get(PARTNER_BURST)) if rate else None


def anonymous_rate(settings: Settings) -> Rate | None:
    rate: str = settings.get(ANONYMOUS_RATE)
    return parse_rate(rate, settings.get(ANONYMOUS_BURST)) if rate else None


def partner_refresh(settings: Settings) -> float:
    seconds: float = settings.get(PARTNER_REFRESH)
    return seconds


def redis_url(settings: Settings) -> str:
    url: str = settings.get(REDIS_URL)
    return url


def varnish_url(settings: Settings) -> str:
    url: str = settings.get(VARNISH_URL)
    return url


def fastly(settings: Settings) -> tuple[str, str, str] | None:
    """Service id, token and API base, or None when Fastly is not configured."""
    service, token = settings.get(FASTLY_SERVICE_ID), settings.get(FASTLY_API_TOKEN)
    if not service and not token:
        return None
    if not (service and token):
        raise ValueError(f"{FASTLY_SERVICE_ID} and {FASTLY_API_TOKEN} go together: set both")
    return service, token, settings.get(FASTLY_API_BASE)


def cloudflare(settings: Settings) -> tuple[str, str, str] | None:
    """Zone id, token and API base, or None when Cloudflare is not configured."""
    zone, token = settings.get(CLOUDFLARE_ZONE_ID), settings.get(CLOUDFLARE_API_TOKEN)
    if not zone and not token:
        return None
    if not (zone and token):
        raise ValueError(f"{CLOUDFLARE_ZONE_ID} and {CLOUDFLARE_API_TOKEN} go together")
    return zone, token, settings.get(CLOUDFLARE_API_BASE)
