"""The hand-written server on PostgreSQL: Starlette, asyncpg and orjson.

The same answers as the hub on PostgreSQL for the page and the post, in two statements each
(the posts, then every author, theme and section of those posts in one ``UNION ALL``), through a
pool of asyncpg connections as large as the hub's (Tortoise's default: 1 to 5). Search is not
written for PostgreSQL: the plugin ranks with PostgreSQL's full-text search differently from
SQLite, and the benchmark leaves it out there.

Serve it with ``python -m uvicorn --factory bench.asyncpg_server:create_app``
(``HUB_DATABASE_URL`` names the database, ``postgres://user@host:port/name``).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import asyncpg
from starlette.applications import Starlette

from bench.handwritten import Fetch, RowStore, Store, application, data, page_size, slug_of

POOL_MIN, POOL_MAX = 1, 5
POST_COLUMNS = "id, title, slug, published_at, excerpt"
VISIBLE = "status IN ('published', 'scheduled') AND published_at <= ${now}"
FRONT_PAGE_SQL = (
    f"SELECT {POST_COLUMNS} FROM hub_post WHERE {VISIBLE.format(now=1)} "
    "ORDER BY published_at DESC, id DESC LIMIT $2"
)
POST_SQL = f"SELECT {POST_COLUMNS}, body FROM hub_post WHERE slug = $1 AND {VISIBLE.format(now=2)}"
# PostgreSQL wants one type per column of a UNION: authors sort by (position, link id), themes
# and sections by name, each in a column of its own.
RELATIONS_SQL = """
SELECT 'a' AS kind, pa.post_id, p.name, p.role AS extra, pa.position AS k1, '' AS k2, pa.id AS k3
  FROM hub_post_author pa JOIN hub_person p ON p.id = pa.person_id WHERE pa.post_id = ANY($1)
UNION ALL
SELECT 't', pt.post_id, t.name, NULL, 0, t.name, 0
  FROM hub_post_theme pt JOIN hub_theme t ON t.id = pt.theme_id WHERE pt.post_id = ANY($1)
UNION ALL
SELECT 's', ps.post_id, s.name, s.country_code, 0, s.name, 0
  FROM hub_post_section ps JOIN hub_section s ON s.id = ps.section_id WHERE ps.post_id = ANY($1)
ORDER BY 1, 2, 5, 6, 7
"""


class AsyncpgStore(RowStore):
    """A pool of asyncpg connections; one request's statements share one connection."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool
        self.statements = 0

    def on(self, connection: asyncpg.Connection) -> Fetch:
        """A fetch of rows over ``connection``, counted."""

        async def fetch(sql: str, parameters: Sequence[Any]) -> list[Sequence[Any]]:
            self.statements += 1
            return list(await connection.fetch(sql, *parameters))

        return fetch

    def published_at(self, stored: Any) -> str | None:
        return None if stored is None else str(stored.astimezone(UTC).isoformat())

    def relations_sql(self, ids: list[int]) -> tuple[str, Sequence[Any]]:
        return RELATIONS_SQL, (ids,)

    async def front_page(self, variables: dict[str, Any]) -> bytes:
        first = page_size(variables)
        async with self.pool.acquire() as connection:
            fetch = self.on(connection)
            rows = await fetch(FRONT_PAGE_SQL, (datetime.now(UTC), first))
            nodes = await self.posts_with_relations(rows, with_body=False, fetch=fetch)
        return data({"posts": {"edges": [{"node": node} for node in nodes]}})

    async def post(self, variables: dict[str, Any]) -> bytes:
        slug = slug_of(variables)
        async with self.pool.acquire() as connection:
            fetch = self.on(connection)
            rows = await fetch(POST_SQL, (slug, datetime.now(UTC)))
            nodes = await self.posts_with_relations(rows, with_body=True, fetch=fetch)
        return data({"post": nodes[0] if nodes else None})


def create_app(database_url: str | None = None) -> Starlette:
    """The asyncpg server over ``database_url`` (default: ``$HUB_DATABASE_URL``)."""
    url = database_url or os.environ.get("HUB_DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise ValueError(f"HUB_DATABASE_URL must name a PostgreSQL database (got {url!r})")

    @asynccontextmanager
    async def open_store() -> AsyncIterator[Store]:
        async with asyncpg.create_pool(url, min_size=POOL_MIN, max_size=POOL_MAX) as pool:
            yield AsyncpgStore(pool)

    return application(open_store)
