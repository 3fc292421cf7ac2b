"""The interface every search backend implements, and the values it exchanges."""

from __future__ import annotations

import html
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from hub_search.documents import SearchDocument
from hub_search.query import SearchQuery
from hub_search.reach import FacetSources

#: Backends mark highlighted words with these control characters; ``to_html`` escapes the text
#: and only then turns them into <mark> tags, so stored text can never inject markup.
MARK_START = "\x02"
MARK_END = "\x03"

PUBLIC_STATUSES = ("published", "scheduled")


def to_html(marked: str) -> str:
    return html.escape(marked).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


@dataclass(frozen=True)
class SearchFilters:
    types: tuple[str, ...]
    theme: str | None = None
    section: str | None = None
    language: str | None = None
    published_after: datetime | None = None
    #: The reader's language and its fallbacks, best first (``search(language:)``), lower
    #: case: documents in these languages or in none, one version per translation group.
    chain: tuple[str, ...] = ()
    #: True when ``types`` holds every searchable type (no type narrows the search).
    every_type: bool = False

    @property
    def beyond_types(self) -> bool:
        return any(
            value is not None
            for value in (self.theme, self.section, self.language, self.published_after)
        ) or bool(self.chain)


@dataclass(frozen=True)
class SearchRequest:
    query: SearchQuery
    filters: SearchFilters
    #: Readers with ``content:read-drafts`` see drafts and scheduled posts too.
    include_unpublished: bool
    now: datetime
    #: Relevance is computed exactly over this many most recently indexed matches (see README).
    rank_window: int
    #: Where the ``theme`` and ``section`` filters and facets look, from the declarations.
    sources: FacetSources = field(default_factory=FacetSources)


@dataclass(frozen=True)
class Hit:
    type_name: str
    pk: int
    score: float
    title_html: str
    snippet_html: str


@dataclass
class FacetCounts:
    types: list[tuple[str, str, int]] = field(default_factory=list)
    themes: list[tuple[str, str, int]] = field(default_factory=list)
    sections: list[tuple[str, str, int]] = field(default_factory=list)
    exhaustive: bool = True


def hits_from_rows(rows: Sequence[dict[str, Any]], *, lower_is_better: bool) -> list[Hit]:
    """A page's rows (``value`` the type, ``n`` the object id), best first, higher scores better.

    bm25 on SQLite gives lower (more negative) numbers to better matches; ``ts_rank`` higher ones.
    """
    sign = 1.0 if lower_is_better else -1.0
    ordered = sorted(rows, key=lambda row: (sign * float(row["score"]), row["id"]))
    return [
        Hit(
            row["value"],
            row["n"],
            -sign * float(row["score"]),
            to_html(row["title"]),
            to_html(row["snippet"]),
        )
        for row in ordered
    ]


def facet_counts_from_rows(rows: Sequence[dict[str, Any]], rank_window: int) -> FacetCounts:
    """Rows of ``(facet, value, label, n)``; the ``matches`` row says whether counts are exact."""
    counts = FacetCounts()
    by_facet = {"type": counts.types, "theme": counts.themes, "section": counts.sections}
    for row in rows:
        if row["facet"] == "matches":
            counts.exhaustive = int(row["n"]) <= rank_window
        else:
            by_facet[row["facet"]].append((row["value"], row["label"], int(row["n"])))
    for found in by_facet.values():
        found.sort(key=lambda item: (-item[2], item[1]))
    return counts


class IndexWriter(Protocol):
    async def write(self, type_name: str, documents: Sequence[SearchDocument]) -> None: ...


class SearchBackend(Protocol):
    """What the GraphQL layer and the indexer need from a database."""

    async def create_schema(self) -> None:
        """Create the index tables (idempotent; used by the migration and by tests)."""

    async def upgrade_schema(self) -> None:
        """Bring index tables made by an earlier version up to date (idempotent; migrations)."""

    async def tune_connection(self) -> None:
        """Adjust the connection the app searches through, once when the app starts."""

    async def known_words(self, words: Sequence[str]) -> set[str]:
        """The words of ``words`` that occur in the index."""

    async def spellings(self, word: str) -> list[str]:
        """Indexed words one edit away from ``word``, most frequent first."""

    async def page(self, request: SearchRequest, limit: int, offset: int) -> list[Hit]: ...

    async def page_and_facets(
        self, request: SearchRequest, limit: int, offset: int
    ) -> tuple[list[Hit], FacetCounts]:
        """``page`` and ``facets`` together, for a backend that can share their work."""

    async def count(self, request: SearchRequest) -> int: ...

    async def facets(self, request: SearchRequest) -> FacetCounts: ...

    async def suggest(self, request: SearchRequest, limit: int) -> list[Hit]:
        """Title matches for autocomplete, best first."""

    async def upsert(self, type_name: str, documents: Sequence[SearchDocument]) -> None: ...

    async def delete(self, type_name: str, pks: Sequence[int]) -> None: ...

    def rebuild(self) -> AbstractAsyncContextManager[IndexWriter]:
        """Build a new index aside while the old one serves; swap them when the block ends."""

    async def promote_due(self, now: datetime) -> None:
        """Make scheduled documents whose time has come visible (cheap when none are due)."""
