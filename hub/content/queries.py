"""Root query fields for the core content."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from tortoise.expressions import F, Subquery
from tortoise.functions import Coalesce
from tortoise.queryset import QuerySet

from hub.content.loaders import PERSON_FIELDS, POST_FIELDS, SECTION_FIELDS, THEME_FIELDS
from hub.content.models import Person, PostAuthor, PostSection, PostTheme, Section, Theme
from hub.content.types import PersonType, PostType, SectionType, ThemeType
from hub.content.visibility import visible_posts
from hub.graphql.arguments import country_argument, language_argument, slug_argument
from hub.graphql.connection import Connection
from hub.graphql.context import Info
from hub.graphql.pagination import Ordering, PageArgs, SortColumn, paginate
from hub.graphql.refs import PersonRef, PostRef, SectionRef, ThemeRef
from hub.rows import fetch_values


@strawberry.input(description="Narrows a list of posts; every given condition must hold.")
class PostFilter:
    theme: str | None = strawberry.field(default=None, description="Theme slug.")
    section: str | None = strawberry.field(default=None, description="Section slug.")
    author: str | None = strawberry.field(default=None, description="Author (person) slug.")
    language: str | None = strawberry.field(default=None, description="BCP 47 tag, such as en.")
    published_after: datetime | None = strawberry.field(
        default=None, description="Only posts published at or after this moment."
    )
    published_before: datetime | None = strawberry.field(
        default=None, description="Only posts published before this moment."
    )


@strawberry.enum(description="Which way a list is sorted.")
class OrderDirection(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.enum(description="What posts can be sorted by.")
class PostOrderField(Enum):
    PUBLISHED_AT = "published_at"
    UPDATED_AT = "updated_at"
    TITLE = "title"


@strawberry.input(description="How to sort posts (ties are broken by id, so pages are stable).")
class PostOrder:
    field: PostOrderField = PostOrderField.PUBLISHED_AT
    direction: OrderDirection = OrderDirection.DESC


@strawberry.input(description="Narrows a list of people.")
class PersonFilter:
    role: str | None = strawberry.field(default=None, description='Role, such as "President".')
    section: str | None = strawberry.field(default=None, description="Section slug.")


@strawberry.input(description="Narrows a list of sections.")
class SectionFilter:
    country_code: str | None = strawberry.field(
        default=None, description="ISO 3166-1 alpha-2 code, such as DE."
    )


# Drafts have no publication date yet; readers of drafts sort them by creation instead.
_DRAFT_AWARE_SORT = "sort_published_at"


def _post_ordering(order: PostOrder | None, drafts: bool) -> Ordering:
    order = order or PostOrder()
    descending = order.direction is OrderDirection.DESC
    column = order.field.value
    kind: Any = "str" if order.field is PostOrderField.TITLE else "datetime"
    if order.field is PostOrderField.PUBLISHED_AT and drafts:
        column = _DRAFT_AWARE_SORT
    return Ordering(
        name=f"post:{order.field.value}:{order.direction.value}",
        columns=(SortColumn(column, descending, kind), SortColumn("id", descending, "int")),
    )


def filter_posts(queryset: QuerySet[Any], post_filter: PostFilter | None) -> QuerySet[Any]:
    """``queryset`` narrowed by ``post_filter``; a malformed slug or tag is a ``BAD_USER_INPUT``."""
    if post_filter is None:
        return queryset
    if post_filter.theme is not None:
        theme = slug_argument("filter.theme", post_filter.theme)
        queryset = queryset.filter(
            id__in=Subquery(PostTheme.filter(theme__slug=theme).values("post_id"))
        )
    if post_filter.section is not None:
        section = slug_argument("filter.section", post_filter.section)
        queryset = queryset.filter(
            id__in=Subquery(PostSection.filter(section__slug=section).values("post_id"))
        )
    if post_filter.author is not None:
        author = slug_argument("filter.author", post_filter.author)
        queryset = queryset.filter(
            id__in=Subquery(PostAuthor.filter(person__slug=author).values("post_id"))
        )
    if post_filter.language is not None:
        queryset = queryset.filter(
            language=language_argument("filter.language", post_filter.language)
        )
    if post_filter.published_after is not None:
        queryset = queryset.filter(published_at__gte=post_filter.published_after)
    if post_filter.published_before is not None:
        queryset = queryset.filter(published_at__lt=post_filter.published_before)
    return queryset


async def post_connection(
    info: Info,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    post_filter: PostFilter | None,
    order: PostOrder | None,
) -> Connection[PostType]:
    drafts = info.context.can_read_drafts
    queryset = filter_posts(visible_posts(info.context), post_filter)
    if drafts:
        queryset = queryset.annotate(
            **{_DRAFT_AWARE_SORT: Coalesce("published_at", F("created_at"))}
        )
    ordering = _post_ordering(order, drafts)
    page = await paginate(queryset, ordering, PageArgs(first, after, last, before), POST_FIELDS)
    return Connection.from_page(page, PostType.from_row)


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
    ) -> Connection[PostRef]:
        return await post_connection(info, first, after, last, before, filter, order_by)

    @strawberry.field(description="A post by its slug, or null when there is none to see.")
    async def post(self, info: Info, slug: str) -> PostRef | None:
        query = (
            visible_posts(info.context)
            .filter(slug=slug_argument("slug", slug))
            .limit(1)
            .values(*POST_FIELDS)
        )
        rows = await fetch_values(query, list(POST_FIELDS))
        return PostType.from_row(rows[0]) if rows else None

    @strawberry.field(description="People in alphabetical order.")
    async def people(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: PersonFilter | None = None,
    ) -> Connection[PersonRef]:
        queryset = Person.all()
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
    async def person(self, info: Info, slug: str) -> PersonRef | None:
        row = await Person.filter(slug=slug_argument("slug", slug)).first().values(*PERSON_FIELDS)
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
    ) -> Connection[SectionRef]:
        queryset = Section.all()
        if filter is not None and filter.country_code is not None:
            queryset = queryset.filter(
                country_code=country_argument("filter.countryCode", filter.country_code)
            )
        page = await paginate(
            queryset, SECTIONS_ORDER, PageArgs(first, after, last, before), SECTION_FIELDS
        )
        return Connection.from_page(page, SectionType.from_row)

    @strawberry.field(description="A section by slug, or null.")
    async def section(self, info: Info, slug: str) -> SectionRef | None:
        row = await Section.filter(slug=slug_argument("slug", slug)).first().values(*SECTION_FIELDS)
        return SectionType.from_row(row) if row else None

    @strawberry.field(description="All themes, by name.")
    async def themes(self, info: Info) -> list[ThemeRef]:
        rows = await Theme.all().order_by("name").values(*THEME_FIELDS)
        return [ThemeType.from_row(row) for row in rows]

    @strawberry.field(description="A theme by slug, or null.")
    async def theme(self, info: Info, slug: str) -> ThemeRef | None:
        row = await Theme.filter(slug=slug_argument("slug", slug)).first().values(*THEME_FIELDS)
        return ThemeType.from_row(row) if row else None
