"""The core content types, declared once: sections, people, themes and posts.

One file for the four, because they are one small model that refers to itself (a person's
section, a post's authors, themes and sections) and reads best side by side. A plugin declares
its own types the same way, in its own package. Field order is the order of rows, export
records and error lists.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from hub.content import models
from hub.content.declarations import (
    ContentType,
    country_code,
    datetime_field,
    enum,
    foreign_key,
    html,
    integer,
    language_tag,
    links,
    short_text,
    slug,
    text,
    url,
)
from hub.content.models import PostStatus
from hub.events import EventKind

SECTION = ContentType(
    "Section",
    models.Section,
    plural="sections",
    description="A national section of the organisation.",
    fields={
        "slug": slug(),
        "name": short_text(200, required=True, searchable=True),
        "country_code": country_code(
            indexed=True, filterable=True, description="ISO 3166-1 alpha-2 code, such as DE."
        ),
        "description": text(searchable=True),
        "founded_year": integer(nullable=True, default=None, minimum=1800, maximum=2200),
        "website": url(),
    },
    changed_event=EventKind.SECTION_CHANGED,
    deleted_event=EventKind.SECTION_DELETED,
)

PERSON = ContentType(
    "Person",
    models.Person,
    plural="people",
    description="A board member, author or staff member.",
    fields={
        "slug": slug(),
        "name": short_text(200, required=True, searchable=True),
        "role": short_text(
            120,
            indexed=True,
            filterable=True,
            description='Free text, such as "President" or "Board member".',
        ),
        "bio": text(searchable=True),
        "photo_url": url(),
        "section": foreign_key("Section", filterable=True),
        # Position on the board listing (lower first); people off the board have none.
        "board_order": integer(nullable=True, default=None, on_type=False),
    },
    changed_event=EventKind.PERSON_CHANGED,
    deleted_event=EventKind.PERSON_DELETED,
)

THEME = ContentType(
    "Theme",
    models.Theme,
    plural="themes",
    description="A subject the organisation works on.",
    fields={
        "slug": slug(),
        "name": short_text(200, required=True, searchable=True),
        "description": text(searchable=True),
    },
    timestamped=False,
    changed_event=EventKind.THEME_CHANGED,
    deleted_event=EventKind.THEME_DELETED,
)


def _public_posts_have_a_date(post: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    # Published and scheduled posts go public at published_at: without one they never would.
    status = post.get("status")
    if status in (PostStatus.PUBLISHED, PostStatus.SCHEDULED) and post.get("published_at") is None:
        yield "published_at", f"is required for a {status.value} post"


POST = ContentType(
    "Post",
    models.Post,
    plural="posts",
    description="A news post or article.",
    fields={
        "slug": slug(),
        "title": short_text(300, required=True, searchable=True),
        "excerpt": text(searchable=True),
        "body": html(attribute="body_html", searchable=True),
        "status": enum(PostStatus, default=PostStatus.DRAFT, filterable=True),
        "published_at": datetime_field(nullable=True, default=None, filterable=True),
        "updated_at": datetime_field(read_only=True),
        "language": language_tag(
            default="en", filterable=True, description="BCP 47 language tag, such as en or pt-BR."
        ),
    },
    links={
        "authors": links(
            "Person",
            models.PostAuthor,
            ordered=True,
            loader="post_authors",
            description="The authors, in the order they are credited.",
        ),
        "themes": links(
            "Theme",
            models.PostTheme,
            loader="post_themes",
            description="The themes this post is filed under.",
        ),
        "sections": links(
            "Section",
            models.PostSection,
            loader="post_sections",
            description="The sections this post is about.",
        ),
    },
    changed_event=EventKind.POST_UPDATED,
    deleted_event=EventKind.POST_DELETED,
    checks=(_public_posts_have_a_date,),
)

#: In the order records are written: people point at sections, posts at all three.
CORE_TYPES: tuple[ContentType, ...] = (SECTION, THEME, PERSON, POST)
BY_NAME: Mapping[str, ContentType] = {declared.name: declared for declared in CORE_TYPES}
