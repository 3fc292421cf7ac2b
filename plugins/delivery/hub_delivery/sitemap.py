"""``/sitemap.xml`` (https://www.sitemaps.org/protocol.html): the public pages search engines
should know, built from the same public URL patterns as feeds and oEmbed (``public_urls``).

Public posts always (with ``HUB_DELIVERY_POST_URL``), and sections, people and themes where the
site has pages for them (``HUB_DELIVERY_SECTION_URL`` and the others). Up to
``HUB_DELIVERY_SITEMAP_MAX_URLS`` URLs (50,000, the protocol's limit) it is one ``urlset``;
beyond, a ``sitemapindex`` of ``/sitemaps/1.xml``, ``/sitemaps/2.xml``... Each post carries
``xhtml:link rel="alternate" hreflang`` links from :func:`post_alternates`: itself and every
public translation of its group, each with its language and URL (read for a whole page in one
statement), and the version in ``HUB_DEFAULT_LANGUAGE`` again as ``x-default``. Answers are
cacheable (ETag, ``Cache-Control``) and tagged by the types they list, so any change to them
purges them, as feeds are.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from tortoise.queryset import QuerySet

from hub import (
    Context,
    Person,
    Section,
    Settings,
    Theme,
    canonical_language_tag,
    post_translation_groups,
    visible_posts,
)
from hub_delivery import settings as delivery_settings
from hub_delivery.cacheable import cacheable_response, problem
from hub_delivery.public_urls import X_DEFAULT, PublicUrls, UrlPattern

SITEMAP_PATH = "/sitemap.xml"
PAGE_PATH = "/sitemaps/{page:int}.xml"
MEDIA_TYPE = "application/xml; charset=utf-8"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
SITEMAP_OFF = (
    f"the sitemap is off: set {delivery_settings.POST_URL} (or the section, person or theme "
    "URL) to the public URL of a page, with {slug}, so the sitemap has pages to list"
)
#: Types other than posts the sitemap can list, where the site has pages for them.
_MODELS: dict[str, Any] = {"Section": Section, "Person": Person, "Theme": Theme}


@dataclass(frozen=True)
class Alternate:
    """Another language's version of a page: ``<xhtml:link rel="alternate" hreflang>``."""

    hreflang: str
    href: str


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: datetime | None = None
    alternates: tuple[Alternate, ...] = ()


def post_alternates(
    url: str,
    language: str,
    translations: Sequence[tuple[str, str]] = (),
    pattern: Any = None,
    default_language: str | None = None,
) -> tuple[Alternate, ...]:
    """The language versions of a post at ``url``: itself (a page lists itself among its
    alternates) and, from ``translations`` (the ``(language, slug)`` of its translation group,
    itself included, :func:`hub.post_translation_groups`), every other one at its URL.

    A post with translations also names its version in ``default_language`` (the
    organisation's, ``HUB_DEFAULT_LANGUAGE``) as ``x-default``, the page for readers whose
    language none of the versions is, as Google documents; a group with no public version in
    that language has none (no page is meant for everyone)."""
    if not translations or pattern is None:
        return (Alternate(language, url),)
    versions = [Alternate(tag, pattern.url(slug)) for tag, slug in translations]
    if default_language is not None and len(versions) > 1:
        default = canonical_language_tag(default_language)
        versions.extend(
            Alternate(X_DEFAULT, version.href)
            for version in versions[:]
            if canonical_language_tag(version.hreflang) == default
        )
    return tuple(versions)


def _listed(type_name: str, context: Context) -> QuerySet[Any]:
    # Anonymous context: only what any visitor may see (public posts).
    if type_name == "Post":
        return visible_posts(context)
    listed: QuerySet[Any] = _MODELS[type_name].all()
    return listed


def _entry(
    type_name: str,
    pattern: UrlPattern,
    row: dict[str, Any],
    groups: dict[str, list[tuple[str, str]]],
    default_language: str,
) -> SitemapEntry:
    url = pattern.url(row["slug"])
    if type_name == "Post":
        lastmod = max(row["updated_at"], row["published_at"])
        members = groups.get(row["translation_group"] or "", [])
        alternates = post_alternates(url, row["language"], members, pattern, default_language)
        return SitemapEntry(url, lastmod, alternates)
    return SitemapEntry(url, row.get("updated_at"))


def _columns(type_name: str) -> tuple[str, ...]:
    if type_name == "Post":
        return ("slug", "language", "published_at", "updated_at", "translation_group")
    model = _MODELS[type_name]
    return ("slug", "updated_at") if "updated_at" in model._meta.fields_map else ("slug",)


async def counts(context: Context, types: Iterable[str]) -> list[tuple[str, int]]:
    return [(name, await _listed(name, context).count()) for name in types]


async def entries(
    context: Context,
    patterns: dict[str, UrlPattern],
    sizes: Sequence[tuple[str, int]],
    offset: int,
    limit: int,
) -> list[SitemapEntry]:
    """``limit`` entries from ``offset``, in a stable order: each type in turn, by id."""
    found: list[SitemapEntry] = []
    for type_name, count in sizes:
        if offset >= count:
            offset -= count
            continue
        take = min(limit - len(found), count - offset)
        rows = (
            await _listed(type_name, context)
            .order_by("id")
            .offset(offset)
            .limit(take)
            .values(*_columns(type_name))
        )
        groups = (
            await post_translation_groups(context, [row["translation_group"] for row in rows])
            if type_name == "Post"
            else {}
        )
        default = context.settings.default_language
        found.extend(_entry(type_name, patterns[type_name], row, groups, default) for row in rows)
        offset = 0
        if len(found) >= limit:
            break
    return found


def _moment(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def urlset(listed: Iterable[SitemapEntry]) -> bytes:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">',
    ]
    for entry in listed:
        parts = [f"<url><loc>{escape(entry.loc)}</loc>"]
        if entry.lastmod is not None:
            parts.append(f"<lastmod>{_moment(entry.lastmod)}</lastmod>")
        parts.extend(
            f'<xhtml:link rel="alternate" hreflang="{escape(alt.hreflang)}" '
            f'href="{escape(alt.href)}"/>'
            for alt in entry.alternates
        )
        parts.append("</url>")
        lines.append("".join(parts))
    lines.append("</urlset>\n")
    return "\n".join(lines).encode()


def sitemap_index(locations: Iterable[str]) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sitemapindex xmlns="{SITEMAP_NS}">']
    lines.extend(f"<sitemap><loc>{escape(loc)}</loc></sitemap>" for loc in locations)
    lines.append("</sitemapindex>\n")
    return "\n".join(lines).encode()


async def sitemap_off(request: Request) -> Response:
    return problem(404, SITEMAP_OFF)


def sitemap_routes(settings: Settings) -> list[BaseRoute]:
    patterns = PublicUrls.from_settings(settings).url_patterns()
    if not patterns:
        return [
            Route(SITEMAP_PATH, sitemap_off, methods=["GET"], name="delivery_sitemap"),
            Route(PAGE_PATH, sitemap_off, methods=["GET"], name="delivery_sitemap_page"),
        ]
    max_age = delivery_settings.max_age(settings)
    per_file = delivery_settings.sitemap_max_urls(settings)
    keys = list(patterns)

    async def sizes_of(request: Request) -> tuple[Context, list[tuple[str, int]]]:
        context = Context(settings, request.app.state.hub.plugin_manager, {}, request=request)
        return context, await counts(context, patterns)

    async def sitemap(request: Request) -> Response:
        context, sizes = await sizes_of(request)
        total = sum(count for _, count in sizes)
        if total <= per_file:
            body = urlset(await entries(context, patterns, sizes, 0, per_file))
        else:
            pages = range(1, math.ceil(total / per_file) + 1)
            body = sitemap_index(
                str(request.url_for("delivery_sitemap_page", page=page)) for page in pages
            )
        return cacheable_response(request, body, MEDIA_TYPE, max_age, keys)

    async def sitemap_page(request: Request) -> Response:
        page: int = request.path_params["page"]
        context, sizes = await sizes_of(request)
        total = sum(count for _, count in sizes)
        if not 1 <= page <= max(1, math.ceil(total / per_file)):
            return problem(404, f"there is no sitemap {page}; /sitemap.xml lists them")
        listed = await entries(context, patterns, sizes, (page - 1) * per_file, per_file)
        return cacheable_response(request, urlset(listed), MEDIA_TYPE, max_age, keys)

    return [
        Route(SITEMAP_PATH, sitemap, methods=["GET"], name="delivery_sitemap"),
        Route(PAGE_PATH, sitemap_page, methods=["GET"], name="delivery_sitemap_page"),
    ]
