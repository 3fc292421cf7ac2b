"""Lists of posts: the filter, the orderings and the connection every posts field shares.

Below the GraphQL types (``Theme.posts`` is this connection narrowed to the theme), so the
rows become objects through the ``make`` the caller passes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

import strawberry
from tortoise.expressions import F, Subquery
from tortoise.functions import Coalesce
from tortoise.queryset import QuerySet

from hub.content.core_types import POST
from hub.content.languages import language_chain
from hub.content.linked_translations import best_in_chain
from hub.content.models import PostAuthor, PostSection, PostStatus, PostTheme
from hub.content.visibility import visible_posts
from hub.errors import UserError
from hub.graphql.arguments import language_argument, slug_argument
from hub.graphql.connection import Connection
from hub.graphql.context import Info
from hub.graphql.pagination import Ordering, PageArgs, SortColumn, paginate

T = TypeVar("T")

POST_COLUMNS = POST.row_columns

# The model's enum is the GraphQL enum too: one list of states, for ``Post.status`` and filters.
strawberry.enum(
    PostStatus,
    name="PostStatus",
    description="Where a post is: a draft, published, or published by itself at publishedAt.",
)


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
    status: PostStatus | None = strawberry.field(
        default=None,
        description=(
            "Only posts in this state. DRAFT needs the content:read-drafts scope; without it "
            "the posts listed are published ones (scheduled ones once their time has come)."
        ),
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
    if post_filter.status is not None:
        queryset = queryset.filter(status=post_filter.status)
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
    make: Callable[[dict[str, Any]], T],
) -> Connection[T]:
    """A page of the posts the asker may see, each made by ``make`` from its row."""
    drafts = info.context.can_read_drafts
    if post_filter is not None and post_filter.status is PostStatus.DRAFT and not drafts:
        raise UserError(
            "filter.status DRAFT needs the content:read-drafts scope: without it only "
            "published posts are listed.",
            code="FORBIDDEN",
            argument="filter",
        )
    queryset = filter_posts(visible_posts(info.context), post_filter)
    chain = language_chain(info.context)
    if chain:  # asked in a language: one post per translation group, in the best one
        queryset = best_in_chain(queryset, chain, info.context)
    if drafts:
        queryset = queryset.annotate(
            **{_DRAFT_AWARE_SORT: Coalesce("published_at", F("created_at"))}
        )
    ordering = _post_ordering(order, drafts)
    page = await paginate(queryset, ordering, PageArgs(first, after, last, before), POST_COLUMNS)
    return Connection.from_page(page, make)
