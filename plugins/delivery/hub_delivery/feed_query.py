"""Which posts a feed holds: its query parameters read into a ``PostFilter``, and the posts loaded.

The filters are GraphQL's ``PostFilter`` applied by the core's ``filter_posts`` on the core's
public posts, so a feed and ``posts(filter: …)`` for an anonymous client always agree.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import QueryParams

from hub import (
    Context,
    Person,
    PostAuthor,
    PostFilter,
    Section,
    Theme,
    check_language_tag,
    check_slug,
    filter_posts,
    visible_posts,
)
from hub_delivery.post_images import PostImage

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
SLUG_FILTERS = ("theme", "section", "author")
KNOWN_PARAMETERS = frozenset(
    (*SLUG_FILTERS, "language", "published_after", "published_before", "limit")
)
POST_COLUMNS = ("id", "slug", "title", "excerpt", "body", "published_at", "updated_at", "language")


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
    language = params.get("language")
    if language is not None:
        try:
            check_language_tag(language)
        except ValueError as error:
            raise BadFeedRequest(f"language: {error}") from None
        values["language"] = language
    for name in ("published_after", "published_before"):
        raw = params.get(name)
        if raw is not None:
            values[name] = _moment(name, raw)
    return FeedRequest(PostFilter(**values), _limit(params.get("limit")))


async def named_subjects(request: FeedRequest) -> FeedRequest:
    """The request with the names of its theme, section and author; 404 for an unknown slug."""
    subjects: list[str] = []
    wanted = request.post_filter
    for label, model, slug in (
        ("Theme", Theme, wanted.theme),
        ("Section", Section, wanted.section),
        ("Author", Person, wanted.author),
    ):
        if slug is None:
            continue
        names = await model.filter(slug=slug).limit(1).values_list("name", flat=True)
        if not names:
            raise UnknownSubject(f"there is no {label.lower()} with slug {slug!r}")
        subjects.append(f"{label}: {names[0]}")
    return FeedRequest(request.post_filter, request.limit, tuple(subjects))


async def feed_posts(context: Context, request: FeedRequest) -> list[FeedPost]:
    """Public posts matching the filter, newest first, with their authors: two SQL statements."""
    rows = (
        await filter_posts(visible_posts(context), request.post_filter)
        .order_by("-published_at", "-id")
        .limit(request.limit)
        .values(*POST_COLUMNS)
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
    return [FeedPost(**row, authors=tuple(authors[row["id"]])) for row in rows]
