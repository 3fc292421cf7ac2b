"""GraphQL types of search. ``SearchResult`` is a union of every searchable type, known only
when the schema is built, so the types that mention it are made by :func:`build_search_query`.

(No ``from __future__ import annotations`` here: the classes made inside the factory need
their annotations evaluated where the union is in scope.)
"""

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Annotated, Any, Union

import strawberry

from hub import PageInfo, UserError, ref

DEFAULT_RESULTS = 20
MAX_RESULTS = 100
DEFAULT_SUGGESTIONS = 5
MAX_SUGGESTIONS = 20
_CURSOR_PREFIX = "search:"


@strawberry.input(description="Narrows search results; every given condition must hold.")
class SearchFilter:
    theme: str | None = strawberry.field(default=None, description="Theme slug (posts only).")
    section: str | None = strawberry.field(
        default=None, description="Section slug: posts filed under it and people belonging to it."
    )
    language: str | None = strawberry.field(
        default=None,
        description="Posts in exactly this BCP 47 language, such as en, and no others (no "
        "fallback; the search's `language` argument reads along the reader's chain).",
    )
    published_after: datetime | None = strawberry.field(
        default=None, description="Only posts published at or after this moment."
    )


@strawberry.type(description="One value of a facet and how many results have it.")
class SearchFacetValue:
    value: str = strawberry.field(description="Type name or slug: pass it back as a filter.")
    label: str = strawberry.field(description="A name to show.")
    count: int


@strawberry.type(description="Result counts by type, theme and section.")
class SearchFacets:
    types: list[SearchFacetValue]
    themes: list[SearchFacetValue]
    sections: list[SearchFacetValue]
    exhaustive: bool = strawberry.field(
        description="False when the query matched more documents than are ranked "
        "(HUB_SEARCH_RANK_WINDOW): the counts then cover the most recent matches only."
    )


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    problem = UserError(
        f"`after` is not a cursor of search results: pass `pageInfo.endCursor` of the same "
        f"search (got {cursor[:80]!r}).",
        argument="after",
    )
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (ValueError, binascii.Error, UnicodeError):
        raise problem from None
    if not text.startswith(_CURSOR_PREFIX) or not text[len(_CURSOR_PREFIX) :].isdigit():
        raise problem
    return int(text[len(_CURSOR_PREFIX) :])


def check_size(name: str, value: int, maximum: int) -> None:
    if value < 0:
        raise UserError(f"`{name}` must not be negative (got {value}).", argument=name)
    if value > maximum:
        raise UserError(
            f"`{name}` is {value}, but at most {maximum} results are returned at once.",
            argument=name,
        )


SearchResolver = Callable[..., Awaitable[Any]]

LANGUAGE_DESCRIPTION = (
    "The reader's language, a BCP 47 tag: posts in it or its fallbacks (fr-CH, fr, then the "
    "organisation's language), each translated post once, in the best language of the chain; "
    "people and sections are kept and served in it. On PostgreSQL, words are stemmed as each "
    "document's language stems them."
)


def build_search_query(
    type_names: Sequence[str], search: SearchResolver, suggest: SearchResolver
) -> type:
    """The ``Query`` part with ``search`` and ``searchSuggest`` over ``type_names``."""
    members = tuple(ref(name) for name in type_names)
    search_result: Any = Annotated[
        Union[members],  # noqa: UP007 - a Union built from a tuple of members
        strawberry.union(
            "SearchResult", description="Anything search can find: " + ", ".join(type_names)
        ),
    ]

    @strawberry.type(name="SearchEdge", description="One search result with why it matched.")
    class SearchEdge:
        cursor: str
        node: search_result
        score: float = strawberry.field(description="Relevance: higher is better.")
        title_highlight: str = strawberry.field(
            description="The title as HTML, matched words in <mark>; everything else escaped."
        )
        snippets: list[str] = strawberry.field(
            description="Passages of the text around the matched words, as HTML with <mark>."
        )

    @strawberry.type(name="SearchConnection", description="A page of search results (Relay).")
    class SearchConnection:
        edges: list[SearchEdge]
        page_info: PageInfo
        count_all: strawberry.Private[Callable[[], Awaitable[int]]]
        count_facets: strawberry.Private[Callable[[], Awaitable[SearchFacets]]]

        @strawberry.field(description="How many results the search has in all.")
        async def total_count(self) -> int:
            return await self.count_all()

        @strawberry.field(description="Result counts by type, theme and section.")
        async def facets(self) -> SearchFacets:
            return await self.count_facets()

    @strawberry.type(name="SearchSuggestion", description="A completion for a search box.")
    class SearchSuggestion:
        text: str = strawberry.field(description="The title, plain.")
        highlight: str = strawberry.field(description="The title as HTML with <mark>.")
        node: search_result

    @strawberry.type
    class SearchQueries:
        @strawberry.field(
            description='Full-text search. Words must all match; "quoted phrases", -excluded '
            "words and prefix* are understood; accents and case are ignored; words of five "
            "or more letters also match one typo away."
        )
        async def search(
            self,
            info: strawberry.Info,
            query: str,
            types: list[str] | None = None,
            filter: SearchFilter | None = None,
            language: Annotated[
                str | None, strawberry.argument(description=LANGUAGE_DESCRIPTION)
            ] = None,
            first: int | None = None,
            after: str | None = None,
        ) -> SearchConnection:
            connection: SearchConnection = await search(
                SearchEdge, SearchConnection, info, query, types, filter, language, first, after
            )
            return connection

        @strawberry.field(
            name="searchSuggest",
            description="Titles completing what was typed so far (the last word is a prefix).",
        )
        async def search_suggest(
            self,
            info: strawberry.Info,
            prefix: str,
            first: int | None = None,
            types: list[str] | None = None,
            language: Annotated[
                str | None, strawberry.argument(description=LANGUAGE_DESCRIPTION)
            ] = None,
        ) -> list[SearchSuggestion]:
            suggestions: list[SearchSuggestion] = await suggest(
                SearchSuggestion, info, prefix, first, types, language
            )
            return suggestions

    return SearchQueries
