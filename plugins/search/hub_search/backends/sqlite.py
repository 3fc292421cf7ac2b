"""SQLite FTS5: bm25 ranking, ``unicode61 remove_diacritics 2`` folding, prefix indexes.

Tables (the plugin's own): ``search_document`` (one row per indexed object, its id is the FTS
rowid), ``search_fts`` (title, body, state) and ``search_vocabulary`` (every indexed word, for
typo tolerance; fts5vocab answers word lookups by scanning, a B-tree answers them at once).

Visibility is decided at query time with the rule of ``hub.content.visibility``, cheaply: a
document that was not public when indexed carries the word ``pending`` in its ``state``
column, so anonymous searches add ``NOT state:pending`` to the full-text query (a merge of two
posting lists) instead of checking every match's row. Publication is monotonic in time, so the
only pending documents that become public without an event are scheduled ones whose time came:
``promote_due`` (run before each search, one indexed lookup) clears their mark.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from hub_search.backends.base import (
    MARK_END,
    MARK_START,
    PUBLIC_STATUSES,
    FacetCounts,
    Hit,
    SearchRequest,
    facet_counts_from_rows,
    hits_from_rows,
    to_html,
)
from hub_search.documents import SearchDocument
from hub_search.query import SearchQuery, Term
from hub_search.text import tokens
from hub_search.typos import one_edit_variants

TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0
SNIPPET_TOKENS = 16
#: Page cache of the app's connection, in KiB (SQLite's default is 2,000). A search reads the
#: posting lists of its words, the window's rows of ``search_document`` and ``search_fts``'s
#: sizes, and the theme and section links of those rows: a few MB that a 2 MB cache evicts
#: between searches over 100,000 posts, so that every search reads them again from the OS
#: (about 1 ms of a 14 ms search, measured with plugins/search/bench).
CACHE_KIB = 32_768


def _tables(suffix: str = "") -> list[str]:
    return [
        f"""CREATE TABLE IF NOT EXISTS search_document{suffix} (
            id INTEGER PRIMARY KEY,
            type TEXT NOT NULL,
            object_id INTEGER NOT NULL,
            language TEXT,
            translation_group TEXT,
            status TEXT,
            published_at TEXT,
            pending INTEGER NOT NULL DEFAULT 0,
            UNIQUE (type, object_id)
        )""",
        f"""CREATE VIRTUAL TABLE IF NOT EXISTS search_fts{suffix} USING fts5(
            title, body, state,
            tokenize = 'unicode61 remove_diacritics 2',
            prefix = '2 3'
        )""",
        f"""CREATE TABLE IF NOT EXISTS search_vocabulary{suffix} (
            word TEXT PRIMARY KEY
        ) WITHOUT ROWID""",
    ]


# Named without the build suffix, created after the swap (index names are global in SQLite).
_INDEXES = [
    "CREATE INDEX IF NOT EXISTS search_document_pending "
    "ON search_document (published_at) WHERE pending = 1",
    # Finds the other versions of a translation group (``search(language:)``).
    "CREATE INDEX IF NOT EXISTS search_document_translation_group "
    "ON search_document (type, translation_group) WHERE translation_group IS NOT NULL",
]


def timestamp(moment: datetime | None) -> str | None:
    """A UTC time as text that sorts like the time itself."""
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def is_pending(document: SearchDocument, now: datetime) -> bool:
    if document.status is None:
        return False
    return not (
        document.status in PUBLIC_STATUSES
        and document.published_at is not None
        and document.published_at <= now
    )


def _phrase(words: Sequence[str]) -> str:
    return '"' + " ".join(word.replace('"', '""') for word in words) + '"'


def _term(term: Term) -> str:
    text = _phrase(term.words) + ("*" if term.prefix else "")
    if term.alternatives:
        options = [text, *(_phrase([word]) for word in term.alternatives)]
        return "(" + " OR ".join(options) + ")"
    return text


#: The word marking documents that were not public when indexed. It is not restricted to the
#: state column by a column filter, because column filters double the cost of common words;
#: typing it can only ever find documents the asker may see anyway.
PENDING_MARK = "hubsearchpending"


def match_expression(query: SearchQuery, include_unpublished: bool, columns: str = "") -> str:
    """The FTS5 query: every word quoted, so no user input is FTS5 syntax.

    ``columns`` restricts the words to some columns (``"title"`` for suggestions).
    """
    expression = " AND ".join(_term(term) for term in query.required)
    for term in query.excluded:
        expression += f" NOT {_term(term)}"
    if columns:
        expression = f"{{{columns}}} : ({expression})"
    if not include_unpublished:
        expression = f"({expression}) NOT {PENDING_MARK}"
    return expression


def _filters(request: SearchRequest) -> tuple[str, list[Any]]:
    """SQL conditions on ``d`` (search_document) for the request's filters."""
    filters = request.filters
    clauses: list[str] = [f"d.type IN ({', '.join('?' for _ in filters.types)})"]
    values: list[Any] = list(filters.types)
    if filters.language is not None:
        clauses.append("d.language = ?")
        values.append(filters.language)
    if filters.chain:
        clauses.extend(_in_chain(request, values))
    if filters.published_after is not None:
        clauses.append("d.published_at >= ?")
        values.append(timestamp(filters.published_after))
    reached = ((filters.theme, request.sources.themes), (filters.section, request.sources.sections))
    for slug, facet in reached:
        if slug is not None:
            condition, uses = facet.condition("?")
            clauses.append(condition)
            values.extend([slug] * uses)
    return " AND ".join(clauses), values


def _in_chain(request: SearchRequest, values: list[Any]) -> list[str]:
    """The fallback chain's conditions: documents in its languages (or in none), and of each
    translation group only the version in the best language of the chain the reader may see
    (``pending`` is current: ``promote_due`` runs before each search)."""
    chain = request.filters.chain
    listed = ", ".join("?" for _ in chain)

    def rank(alias: str) -> str:
        values.extend(chain)
        whens = " ".join(f"WHEN ? THEN {position}" for position in range(len(chain)))
        return f"(CASE lower({alias}.language) {whens} END)"

    values.extend(chain)
    in_chain = f"(d.language IS NULL OR lower(d.language) IN ({listed}))"
    visible = "" if request.include_unpublished else "AND better.pending = 0"
    best = f"""(d.translation_group IS NULL OR NOT EXISTS (
        SELECT 1 FROM search_document better
        WHERE better.type = d.type AND better.translation_group = d.translation_group
          AND {rank("better")} < {rank("d")} {visible}))"""
    return [in_chain, best]


class SQLiteBackend:
    def __init__(self, client: BaseDBAsyncClient | None = None) -> None:
        self.client = client

    def _connection(self) -> BaseDBAsyncClient:
        return self.client or connections.get("default")

    async def create_schema(self) -> None:
        connection = self._connection()
        for statement in [*_tables(), *_INDEXES]:
            await connection.execute_query(statement)

    async def upgrade_schema(self) -> None:
        """Add what an index made before languages lacks (migration 0002); translation groups
        are filled in as posts change, or all at once by ``hub search reindex``."""
        connection = self._connection()
        columns = await connection.execute_query_dict("PRAGMA table_info(search_document)")
        if "translation_group" not in {column["name"] for column in columns}:
            await connection.execute_query(
                "ALTER TABLE search_document ADD COLUMN translation_group TEXT"
            )
        for statement in [*_tables(), *_INDEXES]:
            await connection.execute_query(statement)

    async def tune_connection(self) -> None:
        # Tortoise keeps one connection per SQLite database for the life of the app; the
        # cache only ever grows to this size (a negative cache_size is in KiB).
        await self._connection().execute_script(f"PRAGMA cache_size = -{CACHE_KIB}")

    async def known_words(self, words: Sequence[str]) -> set[str]:
        if not words:
            return set()
        rows = await self._connection().execute_query_dict(
            f"SELECT word FROM search_vocabulary WHERE word IN ({', '.join('?' for _ in words)})",
            list(words),
        )
        return {row["word"] for row in rows}

    async def spellings(self, word: str) -> list[str]:
        return sorted(await self.known_words(sorted(one_edit_variants(word))))

    def _window_ctes(
        self, request: SearchRequest, match: str, ranked: bool
    ) -> tuple[str, list[Any]]:
        """``WITH matches AS MATERIALIZED (...), hits AS MATERIALIZED (...)``: the window.

        ``hits`` holds the ``rank_window`` most recently indexed matches (id, type, object_id,
        score), or all of them if fewer; relevance is computed over this window only, which
        bounds the work of a query that matches most of the index (see README: "Relevance,
        and how it is bounded"). FTS5 hands matches out newest first (``ORDER BY rowid DESC``
        is consumed by the virtual table), so one pass over the index stops at the window's
        end. ``matches`` reads one row more than the window: that row only tells whether
        anything lies beyond it (``facets.exhaustive``). Materialized, the window is computed
        once however many parts of the statement read it.
        """
        where, values = _filters(request)
        score = f"bm25(search_fts, {TITLE_WEIGHT}, {BODY_WEIGHT}, 0.0)" if ranked else "0.0"
        sql = f"""
            WITH matches AS MATERIALIZED (
                SELECT f.rowid AS id, d.type, d.object_id, {score} AS score
                FROM search_fts f JOIN search_document d ON d.id = f.rowid
                WHERE search_fts MATCH ? AND {where}
                ORDER BY f.rowid DESC LIMIT ?
            ),
            hits AS MATERIALIZED (SELECT * FROM matches ORDER BY id DESC LIMIT ?)
        """
        return sql, [match, *values, request.rank_window + 1, request.rank_window]

    def _page_sql(
        self, request: SearchRequest, match: str, limit: int, offset: int
    ) -> tuple[str, list[Any]]:
        """The ranked window as the CTE ``hits``, and a page of it with highlights.

        The statement selects the page's rows with a ``facet`` column of ``'hit'``, so that
        facet counts over ``hits`` can be added to it with UNION ALL (see ``page_and_facets``).
        Highlights need a full-text cursor positioned on each row of the page. Joining the
        page to ``search_fts ... MATCH`` lets SQLite run the MATCH over every match of the
        index (two thirds of it for "peace women") and look each one up in the page; asking
        FTS5 for the rowid range of the page instead visits at most the window.
        """
        window, values = self._window_ctes(request, match, ranked=True)
        sql = f"""
            {window},
            ranked AS MATERIALIZED (SELECT * FROM hits ORDER BY score, id LIMIT ? OFFSET ?)
            SELECT 'hit' AS facet, ranked.type AS value, '' AS label, ranked.object_id AS n,
                   ranked.id, ranked.score,
                   highlight(search_fts, 0, ?, ?) AS title,
                   snippet(search_fts, 1, ?, ?, '…', {SNIPPET_TOKENS}) AS snippet
            FROM search_fts CROSS JOIN ranked ON ranked.id = search_fts.rowid
            WHERE search_fts MATCH ?
              AND search_fts.rowid BETWEEN (SELECT min(id) FROM ranked)
                                       AND (SELECT max(id) FROM ranked)
        """
        marks = [MARK_START, MARK_END]
        return sql, [*values, limit, offset, *marks, *marks, match]

    async def page(self, request: SearchRequest, limit: int, offset: int) -> list[Hit]:
        match = match_expression(request.query, request.include_unpublished)
        sql, values = self._page_sql(request, match, limit, offset)
        rows = await self._connection().execute_query_dict(sql, values)
        return hits_from_rows(rows, lower_is_better=True)

    async def page_and_facets(
        self, request: SearchRequest, limit: int, offset: int
    ) -> tuple[list[Hit], FacetCounts]:
        """One statement: the window is found and ranked once for the page and the facets."""
        rows = await self._connection().execute_query_dict(
            *self.page_and_facets_sql(request, limit, offset)
        )
        hits = [row for row in rows if row["facet"] == "hit"]
        counts = [row for row in rows if row["facet"] != "hit"]
        return hits_from_rows(hits, lower_is_better=True), facet_counts_from_rows(
            counts, request.rank_window
        )

    def page_and_facets_sql(
        self, request: SearchRequest, limit: int, offset: int
    ) -> tuple[str, list[Any]]:
        """The statement of ``page_and_facets`` (the benchmark shows its query plan)."""
        match = match_expression(request.query, request.include_unpublished)
        sql, values = self._page_sql(request, match, limit, offset)
        return f"{sql} UNION ALL {request.sources.facet_counts(', NULL, NULL, NULL, NULL')}", values

    async def count(self, request: SearchRequest) -> int:
        match = match_expression(request.query, request.include_unpublished)
        where, values = _filters(request)
        if request.filters.beyond_types or not request.filters.every_type:
            sql = (
                "SELECT count(*) AS n FROM search_fts f JOIN search_document d "
                f"ON d.id = f.rowid WHERE search_fts MATCH ? AND {where}"
            )
        else:
            sql, values = "SELECT count(*) AS n FROM search_fts WHERE search_fts MATCH ?", []
        rows = await self._connection().execute_query_dict(sql, [match, *values])
        return int(rows[0]["n"])

    async def facets(self, request: SearchRequest) -> FacetCounts:
        match = match_expression(request.query, request.include_unpublished)
        window, values = self._window_ctes(request, match, ranked=False)
        rows = await self._connection().execute_query_dict(
            f"{window} {request.sources.facet_counts('')}", values
        )
        return facet_counts_from_rows(rows, request.rank_window)

    async def suggest(self, request: SearchRequest, limit: int) -> list[Hit]:
        match = match_expression(request.query, request.include_unpublished, "title")
        where, values = _filters(request)
        sql = f"""
            SELECT d.type, d.object_id, bm25(search_fts, 1.0, 0.0, 0.0) AS score,
                   highlight(search_fts, 0, ?, ?) AS title
            FROM search_fts f JOIN search_document d ON d.id = f.rowid
            WHERE search_fts MATCH ? AND {where}
            ORDER BY score, f.rowid DESC LIMIT ?
        """
        rows = await self._connection().execute_query_dict(
            sql, [MARK_START, MARK_END, match, *values, limit]
        )
        return [
            Hit(row["type"], row["object_id"], -float(row["score"]), to_html(row["title"]), "")
            for row in rows
        ]

    async def upsert(self, type_name: str, documents: Sequence[SearchDocument]) -> None:
        if not documents:
            return
        now = datetime.now(UTC)
        async with in_transaction() as connection:
            for document in documents:
                rows = await connection.execute_query_dict(
                    "INSERT INTO search_document "
                    "(type, object_id, language, translation_group, status, published_at, pending) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (type, object_id) DO UPDATE SET "
                    "language = excluded.language, translation_group = excluded.translation_group, "
                    "status = excluded.status, "
                    "published_at = excluded.published_at, pending = excluded.pending "
                    "RETURNING id",
                    [
                        type_name,
                        document.pk,
                        document.language,
                        document.translation_group or None,
                        document.status,
                        timestamp(document.published_at),
                        int(is_pending(document, now)),
                    ],
                )
                row_id = rows[0]["id"]
                await connection.execute_query("DELETE FROM search_fts WHERE rowid = ?", [row_id])
                await connection.execute_query(
                    "INSERT INTO search_fts (rowid, title, body, state) VALUES (?, ?, ?, ?)",
                    [row_id, document.title, document.body, _state(document, now)],
                )
            await _add_words(connection, "", documents)

    async def delete(self, type_name: str, pks: Sequence[int]) -> None:
        if not pks:
            return
        placeholders = ", ".join("?" for _ in pks)
        async with in_transaction() as connection:
            selected = (
                f"SELECT id FROM search_document WHERE type = ? AND object_id IN ({placeholders})"
            )
            await connection.execute_query(
                f"DELETE FROM search_fts WHERE rowid IN ({selected})", [type_name, *pks]
            )
            await connection.execute_query(
                f"DELETE FROM search_document WHERE type = ? AND object_id IN ({placeholders})",
                [type_name, *pks],
            )

    @asynccontextmanager
    async def rebuild(self) -> AsyncIterator[_AsideWriter]:
        connection = self._connection()
        for table in ("search_fts_next", "search_document_next", "search_vocabulary_next"):
            await connection.execute_query(f"DROP TABLE IF EXISTS {table}")
        for statement in _tables("_next"):
            await connection.execute_query(statement)
        writer = _AsideWriter(connection)
        yield writer
        async with in_transaction() as swap:
            for table in ("search_fts", "search_document", "search_vocabulary"):
                await swap.execute_query(f"DROP TABLE IF EXISTS {table}")
                await swap.execute_query(f"ALTER TABLE {table}_next RENAME TO {table}")
            for statement in _INDEXES:
                await swap.execute_query(statement)

    async def promote_due(self, now: datetime) -> None:
        connection = self._connection()
        due = await connection.execute_query_dict(
            "SELECT id FROM search_document WHERE pending = 1 AND published_at <= ? "
            f"AND status IN ({', '.join(repr(status) for status in PUBLIC_STATUSES)})",
            [timestamp(now)],
        )
        if not due:
            return
        ids = [row["id"] for row in due]
        placeholders = ", ".join("?" for _ in ids)
        async with in_transaction() as promote:
            await promote.execute_query(
                f"UPDATE search_fts SET state = '' WHERE rowid IN ({placeholders})", ids
            )
            await promote.execute_query(
                f"UPDATE search_document SET pending = 0 WHERE id IN ({placeholders})", ids
            )


def _state(document: SearchDocument, now: datetime) -> str:
    return PENDING_MARK if is_pending(document, now) else ""


async def _add_words(
    connection: BaseDBAsyncClient, suffix: str, documents: Sequence[SearchDocument]
) -> None:
    words = {word for document in documents for word in tokens(f"{document.title} {document.body}")}
    if words:
        await connection.execute_many(
            f"INSERT OR IGNORE INTO search_vocabulary{suffix} (word) VALUES (?)",
            [[word] for word in words],
        )


class _AsideWriter:
    """Writes documents into the ``_next`` tables while the live index keeps answering."""

    def __init__(self, connection: BaseDBAsyncClient) -> None:
        self.connection = connection
        self.now = datetime.now(UTC)
        self.next_id = 1

    async def write(self, type_name: str, documents: Sequence[SearchDocument]) -> None:
        if not documents:
            return
        rows, texts = [], []
        for document in documents:
            pending = is_pending(document, self.now)
            rows.append(
                [
                    self.next_id,
                    type_name,
                    document.pk,
                    document.language,
                    document.translation_group or None,
                    document.status,
                    timestamp(document.published_at),
                    int(pending),
                ]
            )
            texts.append(
                [self.next_id, document.title, document.body, PENDING_MARK if pending else ""]
            )
            self.next_id += 1
        async with in_transaction() as connection:
            await connection.execute_many(
                "INSERT INTO search_document_next "
                "(id, type, object_id, language, translation_group, status, published_at, "
                "pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            await connection.execute_many(
                "INSERT INTO search_fts_next (rowid, title, body, state) VALUES (?, ?, ?, ?)",
                texts,
            )
            await _add_words(connection, "_next", documents)
