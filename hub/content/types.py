"""GraphQL types of the core content: the bodies that plugins extend by name."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any, Literal

import nh3
import strawberry
from strawberry import relay

from hub.graphql.connection import Connection
from hub.graphql.context import Info
from hub.graphql.loaded import loaded_field
from hub.graphql.nodes import nodes_by_pk

# The loaded fields' string annotations name these refs: they must be importable here.
from hub.graphql.refs import PersonRef, PostRef, SectionRef, ThemeRef  # noqa: F401

WORDS_PER_MINUTE = 200


@strawberry.enum(description="How a post body is rendered.")
class BodyFormat(Enum):
    HTML = "html"
    TEXT = "text"


def html_to_text(markup: str) -> str:
    """The readable text of sanitised HTML: tags dropped, entities decoded, spaces folded."""
    spaced = markup.replace("</p>", "</p>\n\n").replace("<br>", "\n")
    text = html.unescape(nh3.clean(spaced, tags=set()))
    paragraphs = (" ".join(part.split()) for part in text.split("\n\n"))
    return "\n\n".join(part for part in paragraphs if part)


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
        from hub.content.queries import PostFilter, post_connection

        post_filter = PostFilter(**{relation: self.slug})
        return await post_connection(info, first, after, last, before, post_filter, None)

    return strawberry.field(resolver=posts, description=description)


@strawberry.type(name="Theme", description="A subject the organisation works on.")
class ThemeType(relay.Node):
    id: relay.NodeID[int]
    slug: str
    name: str
    description: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ThemeType:
        return cls(id=row["id"], slug=row["slug"], name=row["name"], description=row["description"])

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ThemeType | None]:
        return await nodes_by_pk(info, "theme_by_id", node_ids, required)

    posts = related_posts("theme", "Posts on this theme, newest first.")


@strawberry.type(name="Section", description="A national section of the organisation.")
class SectionType(relay.Node):
    id: relay.NodeID[int]
    slug: str
    name: str
    country_code: str = strawberry.field(description="ISO 3166-1 alpha-2 code, such as DE.")
    description: str
    founded_year: int | None
    website: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> SectionType:
        return cls(
            id=row["id"],
            slug=row["slug"],
            name=row["name"],
            country_code=row["country_code"],
            description=row["description"],
            founded_year=row["founded_year"],
            website=row["website"] or None,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[SectionType | None]:
        return await nodes_by_pk(info, "section_by_id", node_ids, required)

    people = loaded_field(
        "people_by_section",
        "list[PersonRef]",
        description="People of this section, board members first.",
    )

    posts = related_posts("section", "Posts about this section, newest first.")


@strawberry.type(name="Person", description="A board member, author or staff member.")
class PersonType(relay.Node):
    id: relay.NodeID[int]
    slug: str
    name: str
    role: str = strawberry.field(description='Free text, such as "President" or "Board member".')
    bio: str
    photo_url: str | None
    section_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PersonType:
        return cls(
            id=row["id"],
            slug=row["slug"],
            name=row["name"],
            role=row["role"],
            bio=row["bio"],
            photo_url=row["photo_url"] or None,
            section_id=row["section_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[PersonType | None]:
        return await nodes_by_pk(info, "person_by_id", node_ids, required)

    section = loaded_field(
        "section_by_id",
        "SectionRef | None",
        key="section_id",
        description="The section this person belongs to, if any.",
    )

    posts = related_posts("author", "Posts this person wrote, newest first.")


@strawberry.type(name="Post", description="A news post or article.")
class PostType(relay.Node):
    id: relay.NodeID[int]
    slug: str
    title: str
    excerpt: str
    published_at: datetime | None
    updated_at: datetime
    language: str = strawberry.field(description="BCP 47 language tag, such as en or pt-BR.")
    body_html: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> PostType:
        return cls(
            id=row["id"],
            slug=row["slug"],
            title=row["title"],
            excerpt=row["excerpt"],
            published_at=row["published_at"],
            updated_at=row["updated_at"],
            language=row["language"],
            body_html=row["body"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[PostType | None]:
        return await nodes_by_pk(info, "post_by_id", node_ids, required)

    @strawberry.field(description="The body as sanitised HTML, or as plain text.")
    def body(self, format: BodyFormat = BodyFormat.HTML) -> str:
        return self.body_html if format is BodyFormat.HTML else html_to_text(self.body_html)

    @strawberry.field(description="Minutes to read the body, at 200 words a minute.")
    def reading_time_minutes(self) -> int:
        words = len(html_to_text(self.body_html).split())
        return max(1, math.ceil(words / WORDS_PER_MINUTE))

    authors = loaded_field(
        "post_authors",
        "list[PersonRef]",
        description="The authors, in the order they are credited.",
    )
    themes = loaded_field(
        "post_themes", "list[ThemeRef]", description="The themes this post is filed under."
    )
    sections = loaded_field(
        "post_sections", "list[SectionRef]", description="The sections this post is about."
    )
