"""GraphQL types of the core content, generated from the declarations (``core_types.py``).

What a declaration cannot say is written here by hand, in each type's extras: a post's
``body(format:)`` and reading time, the posts of a theme, section or person, a section's
people. :func:`~hub.content.node_types.node_type` puts the extras after the declared fields.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import strawberry

from hub.content.core_types import PERSON, POST, SECTION, THEME
from hub.content.languages import narrower_to_wider
from hub.content.linked_translations import best_row, rank_in
from hub.content.node_types import declared_here, node_type
from hub.content.post_lists import PostFilter, post_connection
from hub.content.sanitize import html_to_text
from hub.content.seo import PostSeoRef, post_seo
from hub.graphql.arguments import language_argument
from hub.graphql.connection import Connection
from hub.graphql.context import Info
from hub.graphql.lazy import ref
from hub.graphql.loaded import loaded_field

# Annotations in this module (the loaded fields' strings too) name the composed types lazily,
# as hub.graphql.refs does; defined here so that this module needs nothing that needs it.
if TYPE_CHECKING:
    PostRef: TypeAlias = Any
    PersonRef: TypeAlias = Any
else:
    PostRef, PersonRef = map(ref, ("Post", "Person"))

WORDS_PER_MINUTE = 200


@strawberry.enum(description="How a post body is rendered.")
class BodyFormat(Enum):
    HTML = "html"
    TEXT = "text"


def related_posts(relation: Literal["theme", "section", "author"], description: str) -> Any:
    """A ``posts`` connection narrowed to the object's slug, as the PostFilter ``relation``."""

    async def posts(
        self: Any,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[PostRef]:
        post_filter = PostFilter(**{relation: self.slug})
        return await post_connection(
            info, first, after, last, before, post_filter, None, PostType.from_row
        )

    return strawberry.field(resolver=posts, description=description)


class ThemeExtras:
    posts = related_posts("theme", "Posts on this theme, newest first.")


class SectionExtras:
    people = loaded_field(
        "people_by_section",
        "list[PersonRef]",
        description="People of this section, board members first.",
    )
    posts = related_posts("section", "Posts about this section, newest first.")


class PersonExtras:
    posts = related_posts("author", "Posts this person wrote, newest first.")


#: Set on a post object found by an old slug (``redirected``); absent on every other.
_REDIRECTED_FROM = "_hub_slug_redirected_from"


def redirected(post: Any, old_slug: str) -> Any:
    """``post``, marked as found by ``old_slug`` (``Post.slugRedirectedFrom``)."""
    setattr(post, _REDIRECTED_FROM, old_slug)
    return post


class PostExtras:
    # Where the published schema has it: after the other declared fields.
    status = declared_here()

    @strawberry.field(description="The body as sanitised HTML, or as plain text.")
    def body(self, format: BodyFormat = BodyFormat.HTML) -> str:
        markup: str = self.body_html  # type: ignore[attr-defined]
        return markup if format is BodyFormat.HTML else html_to_text(markup)

    @strawberry.field(
        description=(
            "The old slug `post(slug:)` was asked for when the post has moved since (a "
            "rename): the client should redirect (HTTP 301) to the post's `slug`. Null when "
            "the post was asked for by its own slug, or found another way."
        )
    )
    def slug_redirected_from(self) -> str | None:
        found: str | None = getattr(self, _REDIRECTED_FROM, None)
        return found

    @strawberry.field(
        description="What the post's page tells search engines and link previews (meta "
        "description, canonical URL, image), with defaults where the post sets none."
    )
    def seo(self) -> PostSeoRef:
        return post_seo(self)

    @strawberry.field(
        description=(
            "The other posts of its translation group the reader may see (each with its own "
            "slug, status and date), by language."
        )
    )
    async def translations(self, info: Info) -> list[PostRef]:
        rows = await info.context.loaders["post_translations"].load(self.id)  # type: ignore[attr-defined]
        return [PostType.from_row(row) for row in rows if row["id"] != self.id]  # type: ignore[attr-defined]

    @strawberry.field(
        description=(
            "The post of its translation group in `language` (this one when it is in it), or "
            "in the language it narrows: `fr-CH` finds `fr` when there is no `fr-CH`; null "
            "when there is none to see."
        )
    )
    async def translation(self, info: Info, language: str) -> PostRef | None:
        chain = narrower_to_wider(language_argument("language", language))
        rows = await info.context.loaders["post_translations"].load(self.id)  # type: ignore[attr-defined]
        found = best_row(rows, chain)
        if found is not None:
            return PostType.from_row(dict(found))
        return self if rank_in(chain, self.language) is not None else None  # type: ignore[attr-defined]

    @strawberry.field(description="Minutes to read the body, at 200 words a minute.")
    def reading_time_minutes(self) -> int:
        words = len(html_to_text(self.body_html).split())  # type: ignore[attr-defined]
        return max(1, math.ceil(words / WORDS_PER_MINUTE))


ThemeType = node_type(THEME, ThemeExtras)
SectionType = node_type(SECTION, SectionExtras)
PersonType = node_type(PERSON, PersonExtras)
PostType = node_type(POST, PostExtras)

#: The GraphQL body of each declared core type, by name.
CORE_BODIES: Mapping[str, Any] = {
    "Theme": ThemeType, "Section": SectionType, "Person": PersonType, "Post": PostType,
}  # fmt: skip
