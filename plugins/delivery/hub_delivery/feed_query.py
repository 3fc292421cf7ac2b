"""Which posts a feed holds: its query parameters read into a ``PostFilter``, and the posts loaded.

The filters are GraphQL's ``PostFilter`` applied by the core's ``filter_posts`` on the core's
public posts, so a feed and ``posts(filter: …)`` for an anonymous client always agree.

``lang=fr-CH`` makes the feed one language's, as ``posts(language: "fr-CH")`` is: each
translation group once, in the first language of the fallback chain (``fr-CH``, ``fr``, the
default language) it has a public version in, and posts of no group when their language is in
the chain. Content with no version in the chain is left out: a reader who asked for French
gets French (or the organisation's own language), never a German post unasked. ``language=``
stays the exact filter on a post's own tag (one version, no fallback); the two are exclusive.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, NamedTuple

from starlette.datastructures import QueryParams

from hub import (
    ContentType,
    Context,
    PostAuthor,
    PostFilter,
    best_in_chain,
    canonical_language_tag,
    check_language_tag,
    check_slug,
    fallback_chain,
    filter_posts,
    post_translation_groups,
    translated_by_slug,
    visible_posts,
)
from hub_delivery.post_images import PostImage

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
SLUG_FILTERS = ("theme", "section", "author")
KNOWN_PARAMETERS = frozenset(
    (*SLUG_FILTERS, "language", "lang", "published_after", "published_before", "limit")
)
POST_COLUMNS = ("id", "slug", "title", "excerpt", "body", "published_at", "updated_at", "language")
GROUP_COLUMN = "translation_group"


class BadFeedRequest(ValueError):
    """A parameter the client got wrong (400); the message names it."""


class UnknownSubject(LookupError):
    """A theme, section or author slug that names nothing (404)."""


@dataclass(frozen=True)
class FeedRequest:
    post_filter: PostFilter
    limit: int
    #: Names of what the feed is narrowed to, for its title ("Theme: Feminist peace").
    subjects: tuple[str, ...] = ()
    #: The ``lang`` asked for, in canonical case (``pt-BR``); None for every language.
    lang: str | None = None

    def chain(self, default_language: str) -> tuple[str, ...]:
        """The languages the feed's posts may be in, best first; empty without ``lang``."""
        return fallback_chain(self.lang, default_language) if self.lang else ()


class Translation(NamedTuple):
    """Another language's version of a post: its tag and slug."""

    language: str
    slug: str


@dataclass(frozen=True)
class FeedPost:
    id: int
    slug: str
    title: str
    excerpt: str
    body: str
    published_at: datetime
    updated_at: datetime
    language: str
    authors: tuple[str, ...] = field(default=())
    #: What another plugin shows with the post (``post_images``), if any.
    image: PostImage | None = None
    #: The other public versions of its translation group, by language (itself left out).
    translations: tuple[Translation, ...] = ()


@dataclass(frozen=True)
class FeedContent:
    """A feed's posts, and every language the feed's content exists in (for its alternates)."""

    posts: list[FeedPost]
    languages: tuple[str, ...]


def _moment(name: str, raw: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise BadFeedRequest(
            f"{name}={raw!r} is not an ISO 8601 date-time, such as 2026-01-31T12:00:00Z"
        ) from None
    # A moment without an offset is read as UTC, like the hub stores them.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _limit(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadFeedRequest(f"limit={raw!r} must be a whole number from 1 to {MAX_LIMIT}")
    return int(raw)


def parse_feed_request(params: QueryParams) -> FeedRequest:
    """The filter and limit a feed URL asks for, or :class:`BadFeedRequest` naming the mistake."""
    unknown = sorted(set(params.keys()) - KNOWN_PARAMETERS)
    if unknown:
        raise BadFeedRequest(
            f"unknown parameter {unknown[0]!r}; feeds accept {', '.join(sorted(KNOWN_PARAMETERS))}"
        )
    for name in params:
        if len(params.getlist(name)) > 1:
            raise BadFeedRequest(f"{name} is given more than once; give it once")
    values: dict[str, Any] = {}
    for name in SLUG_FILTERS:
        slug = params.get(name)
        if slug is not None:
            try:
                check_slug(slug)
            except ValueError as error:
                raise BadFeedRequest(f"{name}: {error}") from None
            values[name] = slug
    tags = {name: _language_tag(name, params.get(name)) for name in ("language", "lang")}
    if tags["language"] is not None and tags["lang"] is not None:
        raise BadFeedRequest(
            "language and lang are both given; give lang for the feed in a language (with "
            "fallbacks), or language for posts written in exactly that tag"
        )
    if tags["language"] is not None:
        values["language"] = tags["language"]
    for name in ("published_after", "published_before"):
        raw = params.get(name)
        if raw is not None:
            values[name] = _moment(name, raw)
    lang = tags["lang"]
    return FeedRequest(
        PostFilter(**values),
        _limit(params.get("limit")),
        lang=canonical_language_tag(lang) if lang is not None else None,
    )


def _language_tag(name: str, raw: str | None) -> str | None:
    if raw is None:
        return None
    try:
        check_language_tag(raw)
    except ValueError as error:
        raise BadFeedRequest(f"{name}: {error}") from None
    return raw


#: What a feed may be narrowed to: its title's label, the declared type, the filter's field.
SUBJECTS = (("Theme", "Theme", "theme"), ("Section", "Section", "section"),
            ("Author", "Person", "author"))  # fmt: skip


async def named_subjects(
    request: FeedRequest, types: Mapping[str, ContentType], default_language: str
) -> FeedRequest:
    """The request with the names of its theme, section and author (in ``lang`` along its
    fallback chain, where the name is translatable); 404 for an unknown slug. One statement
    for each."""
    subjects: list[str] = []
    wanted = request.post_filter
    chain = request.chain(default_language)
    for label, type_name, attribute in SUBJECTS:
        slug = getattr(wanted, attribute)
        if slug is None:
            continue
        name = await translated_by_slug(types[type_name], slug, "name", chain, default_language)
        if name is None:
            raise UnknownSubject(f"there is no {label.lower()} with slug {slug!r}")
        subjects.append(f"{label}: {name}")
    return FeedRequest(request.post_filter, request.limit, tuple(subjects), request.lang)


async def feed_content(context: Context, request: FeedRequest) -> FeedContent:
    """Public posts matching the filter (in ``lang``'s chain, one per translation group), newest
    first, with their authors and translations, and the languages the content exists in.

    Four SQL statements whatever the number of posts (three when none is translated): the
    posts, their authors, the languages, the translation groups.
    """
    listed = filter_posts(visible_posts(context), request.post_filter)
    chain = request.chain(context.settings.default_language)
    if chain:
        listed = best_in_chain(listed, chain, context)
    rows = (
        await listed.order_by("-published_at", "-id")
        .limit(request.limit)
        .values(*POST_COLUMNS, GROUP_COLUMN)
    )
    authors: dict[int, list[str]] = defaultdict(list)
    if rows:
        links = (
            await PostAuthor.filter(post_id__in=[row["id"] for row in rows])
            .order_by("post_id", "position", "id")
            .values("post_id", "person__name")
        )
        for link in links:
            authors[link["post_id"]].append(link["person__name"])
    # Every language of the matching content, not only of this page: a French reader is told
    # of the German feed even when the newest posts are all in French. A ``language=`` feed
    # is one version of the content: its alternates are the others.
    everywhere = filter_posts(visible_posts(context), replace(request.post_filter, language=None))
    stored = await everywhere.distinct().values_list("language", flat=True)
    languages = tuple(sorted({canonical_language_tag(str(tag)) for tag in stored}))
    groups = await post_translation_groups(context, [row[GROUP_COLUMN] or "" for row in rows])
    posts = []
    for row in rows:
        group = row.pop(GROUP_COLUMN) or ""
        row["language"] = canonical_language_tag(row["language"])
        others = tuple(
            Translation(canonical_language_tag(tag), slug)
            for tag, slug in groups.get(group, [])
            if slug != row["slug"]
        )
        posts.append(FeedPost(**row, authors=tuple(authors[row["id"]]), translations=others))
    return FeedContent(posts, languages)
