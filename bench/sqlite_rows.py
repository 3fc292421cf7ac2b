"""The hand-written SQL for SQLite, shared by the sqlite3 server and the aiosqlite baseline.

Two statements per page or post: the posts, then every author, theme and section of those posts
in one ``UNION ALL``; search is one statement. The servers differ only in how they send them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bench.handwritten import (
    RowStore,
    data,
    page_size,
    rank_window,
    search_terms,
    slug_of,
    sqlite_now,
)

POST_COLUMNS = "id, title, slug, published_at, excerpt"
# What the hub shows anonymous readers: public statuses once ``published_at`` has passed.
VISIBLE = "status IN ('published', 'scheduled') AND published_at <= ?"
FRONT_PAGE_SQL = (
    f"SELECT {POST_COLUMNS} FROM hub_post WHERE {VISIBLE} "
    "ORDER BY published_at DESC, id DESC LIMIT ?"
)
POST_SQL = f"SELECT {POST_COLUMNS}, body FROM hub_post WHERE slug = ? AND {VISIBLE}"

# Each relation is read from its link table (indexed on post_id); rows come out grouped by
# kind and post, in the order the hub lists them (authors by position, the rest by name).
RELATIONS = """
SELECT 'a' AS kind, pa.post_id, p.name AS name, p.role AS extra, pa.position AS k1, pa.id AS k2
  FROM hub_post_author pa JOIN hub_person p ON p.id = pa.person_id WHERE pa.post_id IN ({ids})
UNION ALL
SELECT 't', pt.post_id, t.name, NULL, t.name, 0
  FROM hub_post_theme pt JOIN hub_theme t ON t.id = pt.theme_id WHERE pt.post_id IN ({ids})
UNION ALL
SELECT 's', ps.post_id, s.name, s.country_code, s.name, 0
  FROM hub_post_section ps JOIN hub_section s ON s.id = ps.section_id WHERE ps.post_id IN ({ids})
ORDER BY 1, 2, 5, 6
"""

# Like the search plugin on SQLite: only the newest ``HUB_SEARCH_RANK_WINDOW`` matches are
# ranked (bm25, title weighted 10), documents not yet public carry a word that excludes them.
SEARCH_SQL = """
WITH newest AS (
  SELECT f.rowid AS id FROM search_fts f JOIN search_document d ON d.id = f.rowid
   WHERE search_fts MATCH ? AND d.type = 'Post' ORDER BY f.rowid DESC LIMIT 1 OFFSET ?
)
SELECT p.slug, p.title FROM search_fts f
  JOIN search_document d ON d.id = f.rowid
  JOIN hub_post p ON p.id = d.object_id
 WHERE search_fts MATCH ? AND d.type = 'Post'
   AND f.rowid >= coalesce((SELECT id FROM newest), 0)
   AND p.status IN ('published', 'scheduled') AND p.published_at <= ?
 ORDER BY bm25(search_fts, 10.0, 1.0, 0.0), f.rowid
 LIMIT ?
"""


def search_parameters(variables: dict[str, Any]) -> tuple[Any, ...]:
    match, first = search_terms(variables)
    return (match, rank_window() - 1, match, sqlite_now(), first)


class SQLiteRows(RowStore):
    """The operations in SQLite's SQL; subclasses say how a statement is sent."""

    def published_at(self, stored: Any) -> str | None:
        # Stored as "2025-06-29 03:54:15+00:00"; GraphQL's DateTime is ISO 8601 with a "T".
        return None if stored is None else str(stored).replace(" ", "T", 1)

    def relations_sql(self, ids: list[int]) -> tuple[str, Sequence[Any]]:
        listed = ", ".join(str(post_id) for post_id in ids)  # integers from our own query
        return RELATIONS.format(ids=listed), ()

    async def front_page(self, variables: dict[str, Any]) -> bytes:
        rows = await self.rows(FRONT_PAGE_SQL, (sqlite_now(), page_size(variables)))
        nodes = await self.posts_with_relations(rows, with_body=False)
        return data({"posts": {"edges": [{"node": node} for node in nodes]}})

    async def post(self, variables: dict[str, Any]) -> bytes:
        rows = await self.rows(POST_SQL, (slug_of(variables), sqlite_now()))
        nodes = await self.posts_with_relations(rows, with_body=True)
        return data({"post": nodes[0] if nodes else None})

    async def search(self, variables: dict[str, Any]) -> bytes:
        rows = await self.rows(SEARCH_SQL, search_parameters(variables))
        edges = [{"node": {"__typename": "Post", "slug": s, "title": t}} for s, t in rows]
        return data({"search": {"edges": edges}})
