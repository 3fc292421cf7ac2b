"""GraphQL types of the core content: the bodies that plugins extend by name."""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeAlias

import nh3
import strawberry
from strawberry import relay

from hub.content.core_types import PERSON, POST, SECTION, THEME
from hub.content.declarations import RowReader, row_reader
from hub.content.models import PostStatus
from hub.content.post_lists import PostFilter, post_connection
from hub.graphql.connection import Connection
from hub.graphql.context import Info
from hub.graphql.lazy import ref
from hub.graphql.loaded import loaded_field
from hub.graphql.nodes import nodes_by_pk

# Annotations in this module (the loaded fields' strings too) name the composed types lazily,
# as hub.graphql.refs does; defined here so that this module needs nothing that needs it.
if TYPE_CHECKING:
    PostRef: TypeAlias = "PostType"
    PersonRef: TypeAlias = "PersonType"
    SectionRef: TypeAlias = "SectionType"
    ThemeRef: TypeAlias = "ThemeType"
else:
    PostRef, PersonRef, SectionRef, ThemeRef = map(ref, ("Post", "Person", "Section", "Theme"))

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
        post_filter = PostFilter(**{relation: self.slug})
        return await post_connection(
            info, first, after, last, before, post_filter, None, PostType.from_row
        )

    return strawberry.field(resolver=posts, description=description)


@strawberry.type(name="Theme", description="A subject the organisation works on.")
class ThemeType(relay.Node):
    id: relay.NodeID[int]
    slug: str
    name: str
    description: str

    from_row: ClassVar[RowReader[ThemeType]]

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

    from_row: ClassVar[RowReader[SectionType]]

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

    from_row: ClassVar[RowReader[PersonType]]

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
    status: PostStatus = strawberry.field(
        description="DRAFT, PUBLISHED or SCHEDULED; clients without content:read-drafts see "
        "published posts only (and scheduled ones once publishedAt has passed)."
    )
    body_html: strawberry.Private[str]

    from_row: ClassVar[RowReader[PostType]]

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


# ``from_row`` comes from the declarations: one generated function per type (see ``row_reader``).
ThemeType.from_row = row_reader(THEME, ThemeType)
SectionType.from_row = row_reader(SECTION, SectionType)
PersonType.from_row = row_reader(PERSON, PersonType)
PostType.from_row = row_reader(POST, PostType)

#: The GraphQL body of each declared core type, by name.
CORE_BODIES: Mapping[str, Any] = {
    "Theme": ThemeType, "Section": SectionType, "Person": PersonType, "Post": PostType,
}  # fmt: skip
