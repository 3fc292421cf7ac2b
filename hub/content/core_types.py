"""The core content types, declared once: sections, people, themes and posts.

One file for the four, because they are one small model that refers to itself (a person's
section, a post's authors, themes and sections) and reads best side by side. A plugin declares
its own types the same way, in its own package. Field order is the order of rows, export
records and error lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from hub.access.scopes import PUBLISH, WRITE, WRITE_OWN
from hub.content.authorship import credit_author, ensure_may_edit_post
from hub.content.declarations import (
    ContentType,
    Editing,
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
from hub.content.post_status import PostStatus

#: What starts an HTML tag, comment or declaration ("<p", "</p", "<!--"): a lone "<" is text.
PLAIN_TEXT_MARKUP = re.compile(r"<[A-Za-z/!?]")

SECTION = ContentType(
    "Section",
    plural="sections",
    description="A national section of the organisation.",
    fields={
        "slug": slug(),
        "name": short_text(200, required=True, searchable=True, translatable=True),
        "country_code": country_code(
            indexed=True, filterable=True, description="ISO 3166-1 alpha-2 code, such as DE."
        ),
        "description": text(searchable=True, translatable=True),
        "founded_year": integer(nullable=True, default=None, minimum=1800, maximum=2200),
        "website": url(),
    },
    editing=Editing(
        scopes=(WRITE,),
        descriptions={"delete": "Delete a section; its people stay, without a section."},
    ),
)

PERSON = ContentType(
    "Person",
    plural="people",
    description="A board member, author or staff member.",
    fields={
        "slug": slug(),
        "name": short_text(200, required=True, searchable=True),
        "role": short_text(
            120,
            translatable=True,
            indexed=True,
            filterable=True,
            searchable=True,
            description='Free text, such as "President" or "Board member".',
        ),
        "bio": text(searchable=True, translatable=True),
        "photo_url": url(
            deprecation=(
                "A free-text URL: use `photo` (an image of the media library, with sizes and "
                "alt text) where the library is installed; there, this answers the URL of "
                "`photo` when the person has one."
            )
        ),
        "section": foreign_key(
            "Section", filterable=True, description="The section this person belongs to, if any."
        ),
        # Position on the board listing (lower first); people off the board have none.
        "board_order": integer(nullable=True, default=None, on_type=False),
    },
    editing=Editing(
        scopes=(WRITE,),
        descriptions={"delete": "Delete a person; their authorships go with them."},
    ),
)

THEME = ContentType(
    "Theme",
    plural="themes",
    description="A subject the organisation works on.",
    # Not searched: themes narrow and count searches (its facets) rather than being found.
    fields={
        "slug": slug(),
        "name": short_text(200, required=True, translatable=True),
        "description": text(translatable=True),
    },
    timestamped=False,
    editing=Editing(scopes=(WRITE,)),
)


def _plain_text(value: str) -> None:
    # A meta description is shown as it is by search engines and link previews: a tag in it
    # would show as text there (or be dropped), so it is refused rather than guessed at.
    if PLAIN_TEXT_MARKUP.search(value):
        raise ValueError("must be plain text, without HTML tags such as <p>")


def _public_posts_have_a_date(post: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    # Published and scheduled posts go public at published_at: without one they never would.
    status = post.get("status")
    if status in (PostStatus.PUBLISHED, PostStatus.SCHEDULED) and post.get("published_at") is None:
        yield "published_at", f"is required for a {status.value} post"


POST = ContentType(
    "Post",
    plural="posts",
    description="A news post or article.",
    fields={
        "slug": slug(),
        "title": short_text(300, required=True, searchable=True),
        "excerpt": text(searchable=True),
        "body": html(attribute="body_html", searchable=True),
        "status": enum(
            PostStatus,
            default=PostStatus.DRAFT,
            filterable=True,
            description="DRAFT, PUBLISHED or SCHEDULED; clients without content:read-drafts see "
            "published posts only (and scheduled ones once publishedAt has passed).",
        ),
        "published_at": datetime_field(nullable=True, default=None, filterable=True),
        "updated_at": datetime_field(read_only=True),
        "language": language_tag(
            default="en", filterable=True, description="BCP 47 language tag, such as en or pt-BR."
        ),
        # Served through Post.seo with their defaults (hub.content.seo); here as written.
        "meta_description": short_text(
            300,
            check=_plain_text,
            description="The meta description as written for this post, plain text; empty: "
            "`seo.description` is made from the excerpt.",
        ),
        "canonical_url": url(
            description="The canonical URL as written for this post; null: `seo.canonicalUrl` "
            "is the post's public URL where the hub knows it."
        ),
    },
    links={
        "authors": links(
            "Person",
            ordered=True,
            model_name="PostAuthor",
            table="hub_post_author",
            table_description="Authorship, ordered: the first author is named first.",
            loader="post_authors",
            description="The authors, in the order they are credited.",
        ),
        "themes": links(
            "Theme",
            loader="post_themes",
            description="The themes this post is filed under.",
        ),
        "sections": links(
            "Section",
            loader="post_sections",
            description="The sections this post is about.",
        ),
    },
    # Newest-first lists walk this index and stop after one page; a (status, published_at)
    # index would make SQLite sort every published post for each page.
    indexes=(("published_at", "id"),),
    checks=(_public_posts_have_a_date,),
    # post.updated, post.published, post.unpublished, post.deleted: the names subscribers know.
    changed_action="updated",
    actions=("published", "unpublished"),
    # Each language is a post of its own (slug, status, dates), linked in a translation group.
    linked_translations=True,
    # Authors (content:write-own) write drafts they are credited on; editors anything.
    editing=Editing(
        scopes=(WRITE, WRITE_OWN),
        lifecycle=True,
        publish_scopes=(PUBLISH,),
        guard=ensure_may_edit_post,
        on_create=credit_author,
        descriptions={
            "create": "Create a draft post. Authors' drafts credit their own person.",
            "update": "Change a post. Authors may change only their own drafts.",
            "delete": "Delete a post. Authors may delete only their own drafts.",
        },
    ),
)

#: In the order records are written and exported: people point at sections, posts at all three.
CORE_TYPES: tuple[ContentType, ...] = (SECTION, PERSON, THEME, POST)
BY_NAME: Mapping[str, ContentType] = {declared.name: declared for declared in CORE_TYPES}
