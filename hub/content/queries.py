"""Root query fields for the core content.

``PostFilter`` and ``filter_posts`` live in :mod:`hub.content.post_lists` and stay importable
from here.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

# Models by module: a class named like a GraphQL type here (Theme) would be what the lazy
# references in this module's annotations (ThemeRef) resolve to.
from hub.content import models
from hub.content.languages import ask_language, language_chain
from hub.content.linked_translations import best_row
from hub.content.loaders import PERSON_FIELDS, POST_FIELDS, SECTION_FIELDS, THEME_FIELDS
from hub.content.post_lists import PostFilter, PostOrder, filter_posts, post_connection
from hub.content.redirects import redirected_post_id
from hub.content.types import PersonType, PostType, SectionType, ThemeType, redirected
from hub.content.visibility import visible_posts
from hub.graphql.arguments import country_argument, slug_argument
from hub.graphql.connection import Connection
from hub.graphql.context import Info
from hub.graphql.pagination import Ordering, PageArgs, SortColumn, paginate
from hub.graphql.refs import PersonRef, PostRef, SectionRef, ThemeRef
from hub.rows import fetch_values

__all__ = ["ContentQueries", "Language", "PostFilter", "filter_posts"]

#: The ``language`` argument of lists and lookups (:mod:`hub.content.languages`).
Language = Annotated[
    str | None,
    strawberry.argument(
        description=(
            "BCP 47 tag (fr-CH, pt-BR) of the language to serve: translated fields answer in "
            "it, else along its fallback chain (fr-CH, then fr, then the organisation's "
            "language); posts are the versions of their translation group in it. Applies to "
            "the whole operation."
        )
    ),
]


@strawberry.input(description="Narrows a list of people.")
class PersonFilter:
    role: str | None = strawberry.field(default=None, description='Role, such as "President".')
    section: str | None = strawberry.field(default=None, description="Section slug.")


@strawberry.input(description="Narrows a list of sections.")
class SectionFilter:
    country_code: str | None = strawberry.field(
        default=None, description="ISO 3166-1 alpha-2 code, such as DE."
    )


PEOPLE_ORDER = Ordering(
    name="person:name",
    columns=(SortColumn("name", False, "str"), SortColumn("id", False, "int")),
)
SECTIONS_ORDER = Ordering(
    name="section:name",
    columns=(SortColumn("name", False, "str"), SortColumn("id", False, "int")),
)


@strawberry.type
class ContentQueries:
    @strawberry.field(description="Published posts, newest first unless `orderBy` says otherwise.")
    async def posts(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: PostFilter | None = None,
        order_by: PostOrder | None = None,
        language: Language = None,
    ) -> Connection[PostRef]:
        ask_language(info.context, language)
        return await post_connection(
            info, first, after, last, before, filter, order_by, PostType.from_row
        )

    @strawberry.field(
        description=(
            "A post by its slug, or null when there is none to see. A slug the post had "
            "before a rename finds it too, with `slugRedirectedFrom` saying so; a post "
            "holding the slug now wins."
        )
    )
    async def post(self, info: Info, slug: str, language: Language = None) -> PostRef | None:
        ask_language(info.context, language)
        visible = visible_posts(info.context)
        query = visible.filter(slug=slug_argument("slug", slug)).limit(1).values(*POST_FIELDS)
        rows = await fetch_values(query, list(POST_FIELDS))
        if rows:
            return await _in_language(info, PostType.from_row(rows[0]))
        moved_to = await redirected_post_id(slug)
        if moved_to is None:
            return None
        query = visible.filter(id=moved_to).limit(1).values(*POST_FIELDS)
        rows = await fetch_values(query, list(POST_FIELDS))
        return (
            redirected(await _in_language(info, PostType.from_row(rows[0])), slug) if rows else None
        )

    @strawberry.field(description="People in alphabetical order.")
    async def people(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: PersonFilter | None = None,
        language: Language = None,
    ) -> Connection[PersonRef]:
        ask_language(info.context, language)
        queryset = models.Person.all()
        if filter is not None and filter.role is not None:
            queryset = queryset.filter(role__iexact=filter.role)
        if filter is not None and filter.section is not None:
            queryset = queryset.filter(
                section__slug=slug_argument("filter.section", filter.section)
            )
        page = await paginate(
            queryset, PEOPLE_ORDER, PageArgs(first, after, last, before), PERSON_FIELDS
        )
        return Connection.from_page(page, PersonType.from_row)

    @strawberry.field(description="A person by slug, or null.")
    async def person(self, info: Info, slug: str, language: Language = None) -> PersonRef | None:
        ask_language(info.context, language)
        row = (
            await models.Person.filter(slug=slug_argument("slug", slug))
            .first()
            .values(*PERSON_FIELDS)
        )
        return PersonType.from_row(row) if row else None

    @strawberry.field(description="Sections in alphabetical order.")
    async def sections(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: SectionFilter | None = None,
        language: Language = None,
    ) -> Connection[SectionRef]:
        ask_language(info.context, language)
        queryset = models.Section.all()
        if filter is not None and filter.country_code is not None:
            queryset = queryset.filter(
                country_code=country_argument("filter.countryCode", filter.country_code)
            )
        page = await paginate(
            queryset, SECTIONS_ORDER, PageArgs(first, after, last, before), SECTION_FIELDS
        )
        return Connection.from_page(page, SectionType.from_row)

    @strawberry.field(description="A section by slug, or null.")
    async def section(self, info: Info, slug: str, language: Language = None) -> SectionRef | None:
        ask_language(info.context, language)
        row = (
            await models.Section.filter(slug=slug_argument("slug", slug))
            .first()
            .values(*SECTION_FIELDS)
        )
        return SectionType.from_row(row) if row else None

    @strawberry.field(description="All themes, by name.")
    async def themes(self, info: Info, language: Language = None) -> list[ThemeRef]:
        ask_language(info.context, language)
        rows = await models.Theme.all().order_by("name").values(*THEME_FIELDS)
        return [ThemeType.from_row(row) for row in rows]

    @strawberry.field(description="A theme by slug, or null.")
    async def theme(self, info: Info, slug: str, language: Language = None) -> ThemeRef | None:
        ask_language(info.context, language)
        row = (
            await models.Theme.filter(slug=slug_argument("slug", slug))
            .first()
            .values(*THEME_FIELDS)
        )
        return ThemeType.from_row(row) if row else None


async def _in_language(info: Info, post: object) -> object:
    """The post's version in the operation's language, when its group has one: the post the
    slug names when none of its group is in the fallback chain."""
    chain = language_chain(info.context)
    if not chain:
        return post
    rows = await info.context.loaders["post_translations"].load(post.id)  # type: ignore[attr-defined]
    found = best_row(rows, chain)
    if found is None or found["id"] == post.id:  # type: ignore[attr-defined]
        return post
    return PostType.from_row(dict(found))
