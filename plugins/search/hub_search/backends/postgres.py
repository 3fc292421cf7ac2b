"""PostgreSQL full-text search: a tsvector per document with a GIN index, built with the text
search configuration of the document's language (``pg_languages``: stemming, ``unaccent``
folding), ``pg_trgm`` for typo candidates, and ``ts_headline`` for highlighted snippets.

The tsqueries and conditions are written by ``pg_queries``. Visibility is the rule of
``hub.content.visibility`` written in SQL on each row.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from hub import vacuum_analyze
from hub_search.backends.base import (
    MARK_END,
    MARK_START,
    FacetCounts,
    Hit,
    SearchRequest,
    facet_counts_from_rows,
    hits_from_rows,
    to_html,
)
from hub_search.backends.pg_estimate import estimate_ctes, estimated_words
from hub_search.backends.pg_languages import SETUP, UNSTEMMED, configuration, configuration_case
from hub_search.backends.pg_queries import BETTER_VERSION_FUNCTION, conditions, matching
from hub_search.documents import SearchDocument
from hub_search.typos import within_one_edit

logger = logging.getLogger("hub_search")

SPELLING_CANDIDATES = 30
#: Testing one document walking the primary key back costs about 0.75 of visiting one match
#: of a bitmap scan (1.5 and 2 µs, 100,000 demo posts): see ``PostgresBackend._window_ctes``.
WALK_BACK_FACTOR = 0.75

_RENAMED_AFTER_SWAP = (
    ("INDEX", "search_document_pkey"),
    ("INDEX", "search_document_type_object_id_key"),
    ("INDEX", "search_document_document"),
    ("INDEX", "search_document_translation_group"),
    ("SEQUENCE", "search_document_id_seq"),
    ("INDEX", "search_vocabulary_pkey"),
    ("INDEX", "search_vocabulary_trigrams"),
)


def _tables(suffix: str = "") -> list[str]:
    return [
        f"""CREATE TABLE IF NOT EXISTS search_document{suffix} (
            id BIGSERIAL PRIMARY KEY,
            type TEXT NOT NULL,
            object_id INTEGER NOT NULL,
            language TEXT,
            -- The text search configuration the document was indexed with (its language's).
            config TEXT NOT NULL DEFAULT '{UNSTEMMED}',
            translation_group TEXT,
            status TEXT,
            published_at TIMESTAMPTZ,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            document TSVECTOR NOT NULL,
            UNIQUE (type, object_id)
        )""",
        f"CREATE INDEX IF NOT EXISTS search_document{suffix}_document "
        f"ON search_document{suffix} USING gin (document)",
        # Finds the other versions of a translation group (``search(language:)``).
        f"CREATE INDEX IF NOT EXISTS search_document{suffix}_translation_group "
        f"ON search_document{suffix} (type, translation_group) "
        "WHERE translation_group IS NOT NULL",
        f"CREATE TABLE IF NOT EXISTS search_vocabulary{suffix} (word TEXT PRIMARY KEY)",
        f"CREATE INDEX IF NOT EXISTS search_vocabulary{suffix}_trigrams "
        f"ON search_vocabulary{suffix} USING gist (word gist_trgm_ops)",
    ]


class PostgresBackend:
    def __init__(self, client: BaseDBAsyncClient | None = None) -> None:
        self.client = client

    def _connection(self) -> BaseDBAsyncClient:
        return self.client or connections.get("default")

    async def create_schema(self) -> None:
        connection = self._connection()
        for statement in [*SETUP, *_tables(), BETTER_VERSION_FUNCTION]:
            await connection.execute_script(statement)

    async def upgrade_schema(self) -> None:
        """Bring an index made before languages up to date (migration 0002): each row gets its
        language's configuration and its tsvector again; translation groups are filled in as
        posts change, or all at once by ``hub search reindex``."""
        connection = self._connection()
        for statement in [
            *SETUP,
            BETTER_VERSION_FUNCTION,
            f"ALTER TABLE search_document ADD COLUMN IF NOT EXISTS config TEXT NOT NULL "
            f"DEFAULT '{UNSTEMMED}'",
            "ALTER TABLE search_document ADD COLUMN IF NOT EXISTS translation_group TEXT",
            *_tables(),
            f"UPDATE search_document SET config = {configuration_case('language')}",
            f"UPDATE search_document SET document = "
            f"{_vector('config::regconfig', 'title', 'body')} WHERE config <> '{UNSTEMMED}'",
        ]:
            await connection.execute_script(statement)

    async def tune_connection(self) -> None:
        # The server's settings govern caching; nothing to adjust per connection.
        return None

    async def known_words(self, words: Sequence[str]) -> set[str]:
        if not words:
            return set()
        rows = await self._connection().execute_query_dict(
            "SELECT word FROM search_vocabulary WHERE word = ANY($1)", [list(words)]
        )
        return {row["word"] for row in rows}

    async def spellings(self, word: str) -> list[str]:
        # The trigram index finds the nearest words by similarity (a KNN scan of the GiST
        # index); the exact one-edit check is done here, as pg_trgm knows no edit distance.
        rows = await self._connection().execute_query_dict(
            "SELECT word FROM search_vocabulary "
            "WHERE length(word) BETWEEN $2 AND $3 ORDER BY word <-> $1 LIMIT $4",
            [word, len(word) - 1, len(word) + 1, SPELLING_CANDIDATES],
        )
        return [row["word"] for row in rows if within_one_edit(word, row["word"])]

    def _window_ctes(self, request: SearchRequest, values: list[Any], ranked: bool) -> str:
        """``WITH ..., matches AS MATERIALIZED (...), hits AS MATERIALIZED (...)``: the window.

        As on SQLite, ``hits`` holds the ``rank_window`` most recently indexed matches (id,
        type, object_id, score) and ``matches`` one more, which only tells whether anything
        lies beyond the window (``facets.exhaustive``). ``ts_rank`` is computed on the
        window's rows only, after the LIMIT, rather than on every match.

        There are two ways to find the window, and each is several times slower than the other
        on some queries (100,000 posts): walking the primary key backwards and testing each
        document costs ``window / share`` tests (share: the part of the documents that
        match), a bitmap scan of the GIN index visits every match, ``documents * share``.
        PostgreSQL underrates the cost of testing a document and walks backwards for queries
        as rare as 5 % (30 ms where the bitmap takes 13), so the statement chooses itself:
        ``estimate`` multiplies the frequencies ANALYZE recorded for the query's words
        (``pg_stats.most_common_elems``, the planner's own figures), and only the branch whose
        one-time filter holds is run. Walking back wins when ``share² * documents`` exceeds
        ``WALK_BACK_FACTOR * window`` (the ratio of the two costs per row, measured here).
        """
        match = matching(request)
        where = conditions(request, values)
        values.extend(
            [
                estimated_words(request.query),
                list(match.configs),
                WALK_BACK_FACTOR * request.rank_window,
                request.rank_window + 1,
                request.rank_window,
            ]
        )
        words, configs, threshold, limit, window = (f"${len(values) - n}" for n in (4, 3, 2, 1, 0))
        # Documents are read again by id for ts_rank rather than carried through the sorts:
        # sorting thousands of tsvectors to keep a thousand cost more than the lookups.
        score = (
            f"ts_rank(ranked_document.document, {match.query('ranked_document')})"
            if ranked
            else "0.0::real"
        )
        ranked_join = (
            "JOIN search_document ranked_document ON ranked_document.id = window_rows.id"
            if ranked
            else ""
        )
        columns = "SELECT d.id, d.type, d.object_id FROM search_document d"
        return f"""
            WITH {estimate_ctes(words, configs, threshold)},
            matches AS MATERIALIZED (
                -- Walking back, the filters are tested before the document: the planner
                -- would test the document first (it rates @@ the cheapest condition), and
                -- the newest rows are often ones nobody may see yet (drafts, scheduled).
                -- Each row is tested with the query in its own configuration only: the OR of
                -- every configuration's query is for the GIN index, which this walk skips.
                ({columns} WHERE CASE WHEN {where} THEN d.document @@ {match.query("d")} END
                 AND (SELECT walk_back FROM estimate)
                 ORDER BY d.id DESC LIMIT {limit})
                UNION ALL
                -- "+ 0": not the primary key's order, so the GIN index finds the matches.
                ({columns} WHERE {match.condition("d")} AND {where}
                 AND NOT (SELECT walk_back FROM estimate)
                 ORDER BY d.id + 0 DESC LIMIT {limit})
            ),
            hits AS MATERIALIZED (
                SELECT window_rows.*, {score} AS score
                FROM (SELECT * FROM matches ORDER BY id DESC LIMIT {window}) window_rows
                {ranked_join}
            )
        """

    async def walks_back(self, request: SearchRequest) -> bool:
        """Whether ``request``'s window is found walking the primary key back (else by GIN)."""
        rows = await self._connection().execute_query_dict(
            f"WITH {estimate_ctes('$1', '$2', '$3')} SELECT walk_back FROM estimate",
            [
                estimated_words(request.query),
                list(matching(request).configs),
                WALK_BACK_FACTOR * request.rank_window,
            ],
        )
        return bool(rows[0]["walk_back"])

    def page_sql(self, request: SearchRequest, limit: int, offset: int) -> tuple[str, list[Any]]:
        """The ranked window as the CTE ``hits``, and a page of it with highlights.

        The rows have a ``facet`` column of ``'hit'`` so that facet counts over ``hits`` can
        be appended with UNION ALL (``page_and_facets``): the index is searched once for both.
        Only the page's rows read title and body, for ts_headline.
        """
        values: list[Any] = []
        window = self._window_ctes(request, values, ranked=True)
        options = (
            f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=24, MinWords=12, "
            "MaxFragments=2, FragmentDelimiter=…"
        )
        values.extend([limit, offset, options])
        count = len(values)
        query = matching(request).query("d")
        sql = f"""
            {window},
            ranked AS MATERIALIZED (
                SELECT * FROM hits ORDER BY score DESC, id LIMIT ${count - 2} OFFSET ${count - 1}
            )
            SELECT 'hit' AS facet, ranked.type AS value, '' AS label, ranked.object_id AS n,
                   ranked.id, ranked.score,
                   ts_headline(d.config::regconfig, d.title, {query},
                               'HighlightAll=true, ' || 'StartSel=' || chr(2)
                               || ', StopSel=' || chr(3)) AS title,
                   ts_headline(d.config::regconfig, d.body, {query}, ${count}) AS snippet
            FROM ranked JOIN search_document d ON d.id = ranked.id
        """
        return sql, values

    async def page(self, request: SearchRequest, limit: int, offset: int) -> list[Hit]:
        rows = await self._connection().execute_query_dict(*self.page_sql(request, limit, offset))
        return hits_from_rows(rows, lower_is_better=False)

    async def page_and_facets(
        self, request: SearchRequest, limit: int, offset: int
    ) -> tuple[list[Hit], FacetCounts]:
        sql, values = self.page_sql(request, limit, offset)
        padding = ", NULL::bigint, NULL::real, NULL::text, NULL::text"
        rows = await self._connection().execute_query_dict(
            f"{sql} UNION ALL {request.sources.facet_counts(padding)}", values
        )
        hits = [row for row in rows if row["facet"] == "hit"]
        counts = [row for row in rows if row["facet"] != "hit"]
        return hits_from_rows(hits, lower_is_better=False), facet_counts_from_rows(
            counts, request.rank_window
        )

    async def count(self, request: SearchRequest) -> int:
        values: list[Any] = []
        where = conditions(request, values)
        rows = await self._connection().execute_query_dict(
            f"SELECT count(*) AS n FROM search_document d "
            f"WHERE {matching(request).condition('d')} AND {where}",
            values,
        )
        return int(rows[0]["n"])

    async def facets(self, request: SearchRequest) -> FacetCounts:
        values: list[Any] = []
        window = self._window_ctes(request, values, ranked=False)
        rows = await self._connection().execute_query_dict(
            f"{window} {request.sources.facet_counts('')}", values
        )
        return facet_counts_from_rows(rows, request.rank_window)

    async def suggest(self, request: SearchRequest, limit: int) -> list[Hit]:
        values: list[Any] = []
        where = conditions(request, values)
        values.append(limit)
        match = matching(request)
        query = match.query("d")
        sql = f"""
            SELECT d.type, d.object_id, ts_rank(d.document, {query}) AS score,
                   ts_headline(d.config::regconfig, d.title, {query},
                               'HighlightAll=true, StartSel=' || chr(2) || ', StopSel=' || chr(3))
                       AS title
            FROM search_document d
            WHERE to_tsvector(d.config::regconfig, d.title) @@ {query}
              AND {match.condition("d")} AND {where}
            ORDER BY score DESC, d.id LIMIT ${len(values)}
        """
        rows = await self._connection().execute_query_dict(sql, values)
        return [
            Hit(row["type"], row["object_id"], float(row["score"]), to_html(row["title"]), "")
            for row in rows
        ]

    async def upsert(self, type_name: str, documents: Sequence[SearchDocument]) -> None:
        if not documents:
            return
        async with in_transaction() as connection:
            await _insert(connection, "", type_name, documents, upsert=True)

    async def delete(self, type_name: str, pks: Sequence[int]) -> None:
        if pks:
            await self._connection().execute_query(
                "DELETE FROM search_document WHERE type = $1 AND object_id = ANY($2)",
                [type_name, list(pks)],
            )

    @asynccontextmanager
    async def rebuild(self) -> AsyncIterator[_AsideWriter]:
        connection = self._connection()
        for statement in [
            "DROP TABLE IF EXISTS search_document_next",
            "DROP TABLE IF EXISTS search_vocabulary_next",
            *SETUP,
            *_tables("_next"),
            # It names the live table, which the swap below replaces under the same name.
            BETTER_VERSION_FUNCTION,
        ]:
            await connection.execute_script(statement)
        yield _AsideWriter()
        async with in_transaction() as swap:
            for table in ("search_document", "search_vocabulary"):
                await swap.execute_script(f"DROP TABLE IF EXISTS {table}")
                await swap.execute_script(f"ALTER TABLE {table}_next RENAME TO {table}")
            # Give the new table's indexes and sequence the names of the ones just dropped,
            # so the next build aside can use the ``_next`` names again.
            for kind, name in _RENAMED_AFTER_SWAP:
                old_name = name.replace("search_document", "search_document_next").replace(
                    "search_vocabulary", "search_vocabulary_next"
                )
                await swap.execute_script(f"ALTER {kind} {old_name} RENAME TO {name}")
        # The window's plan is chosen from the word frequencies ANALYZE records (see
        # ``_window_ctes``); a new table has none until autovacuum, if it runs, gets to it.
        # VACUUM marks the new table's pages all-visible: over 100,000 demo posts the bench
        # query took a p50 of 20.5 ms on the fresh table and 14.3 ms once vacuumed. The new
        # index is in place by now: a failure here must not stop the catch-up that follows.
        problem = await vacuum_analyze(["search_document"], connection)
        if problem is not None:
            logger.warning("search: the new index is in place; %s", problem)

    async def promote_due(self, now: datetime) -> None:
        # Visibility is checked on every row at query time here: nothing to promote.
        return None


def _vector(config: str, title: str, body: str) -> str:
    """The document's tsvector: title words weigh A, the text's D, in ``config``."""
    return (
        f"setweight(to_tsvector({config}, {title}), 'A') || "
        f"setweight(to_tsvector({config}, {body}), 'D')"
    )


async def _insert(
    connection: BaseDBAsyncClient,
    suffix: str,
    type_name: str,
    documents: Sequence[SearchDocument],
    upsert: bool,
) -> None:
    conflict = (
        "ON CONFLICT (type, object_id) DO UPDATE SET language = excluded.language, "
        "config = excluded.config, translation_group = excluded.translation_group, "
        "status = excluded.status, published_at = excluded.published_at, "
        "title = excluded.title, body = excluded.body, document = excluded.document"
        if upsert
        else ""
    )
    vector = _vector("r.config::regconfig", "r.title", "r.body")
    # The vocabulary holds words as typed (folded, not stemmed): typo candidates are looked
    # up there for the words of a query before any configuration stems them.
    words = _vector(f"'{UNSTEMMED}'", "title", "body")
    await connection.execute_query(
        f"""
        WITH written AS (
            INSERT INTO search_document{suffix} (type, object_id, language, config,
                translation_group, status, published_at, title, body, document)
            SELECT $1, r.pk, r.language, r.config, r.translation_group, r.status,
                   r.published_at, r.title, r.body, {vector}
            FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[],
                        $7::timestamptz[], $8::text[], $9::text[])
                AS r(pk, language, config, translation_group, status, published_at, title, body)
            {conflict}
            RETURNING title, body
        )
        INSERT INTO search_vocabulary{suffix} (word)
        SELECT DISTINCT unnest(tsvector_to_array({words})) FROM written
        ON CONFLICT DO NOTHING
        """,
        [
            type_name,
            [document.pk for document in documents],
            [document.language for document in documents],
            [configuration(document.language) for document in documents],
            [document.translation_group or None for document in documents],
            [document.status for document in documents],
            [document.published_at for document in documents],
            [document.title for document in documents],
            [document.body for document in documents],
        ],
    )


class _AsideWriter:
    async def write(self, type_name: str, documents: Sequence[SearchDocument]) -> None:
        if documents:
            async with in_transaction() as connection:
                await _insert(connection, "_next", type_name, documents, upsert=False)
