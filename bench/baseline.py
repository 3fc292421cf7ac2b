"""The practical limit: the benchmark's operations as hand-written SQL, orjson and bare Starlette.

It answers ``POST /graphql`` (and ``GET /graphql?...``) by ``operationName`` with the same JSON
as the hub, in two SQL statements per request: the posts, then every author, theme and section
of those posts in one ``UNION ALL``. It shares the hub's SQLite file and driver (aiosqlite, one
connection), so the difference between the two is what the hub does above the database.

Serve it with ``python -m uvicorn --factory bench.baseline:create_app`` (``HUB_DATA_DIR`` says
where ``hub.sqlite3`` is).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

MAX_PAGE_SIZE = 100

POST_COLUMNS = "id, title, slug, published_at, excerpt"
# What the hub shows anonymous readers: public statuses once ``published_at`` has passed.
VISIBLE = "status IN ('published', 'scheduled') AND published_at <= ?"

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
DEFAULT_RANK_WINDOW = 1000
PENDING_MARK = "hubsearchpending"


class BadRequest(Exception):
    """The request names no operation the baseline knows; the message says what was wrong."""


def _now() -> str:
    # The text form Python's sqlite3 gives a datetime, which is how the hub stores (and compares)
    # ``published_at`` on SQLite.
    return datetime.now(UTC).isoformat(" ")


def _iso(stored: str | None) -> str | None:
    # Stored as "2025-06-29 03:54:15+00:00"; GraphQL's DateTime is ISO 8601 with a "T".
    return None if stored is None else stored.replace(" ", "T", 1)


def _match_expression(text: str) -> str:
    """Every word of ``text``, as FTS5 phrases joined with AND, public documents only."""
    words = [word for word in "".join(c if c.isalnum() else " " for c in text).split() if word]
    if not words:
        raise BadRequest("`query` has no words to look for")
    required = " AND ".join(f'"{word.lower()}"' for word in words)
    return f"({required}) NOT {PENDING_MARK}"


class Store:
    """One aiosqlite connection and a count of the statements sent through it."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self.connection = connection
        self.statements = 0

    async def rows(self, sql: str, parameters: Sequence[Any]) -> list[tuple[Any, ...]]:
        self.statements += 1
        async with self.connection.execute(sql, parameters) as cursor:
            return [tuple(row) for row in await cursor.fetchall()]

    async def posts_with_relations(
        self, rows: list[tuple[Any, ...]], with_body: bool
    ) -> list[dict[str, Any]]:
        nodes: dict[int, dict[str, Any]] = {}
        for row in rows:
            node: dict[str, Any] = {
                "title": row[1],
                "slug": row[2],
                "publishedAt": _iso(row[3]),
                "excerpt": row[4],
            }
            if with_body:
                node["body"] = row[5]
            node["authors"], node["themes"], node["sections"] = [], [], []
            nodes[row[0]] = node
        if not nodes:
            return []
        ids = ", ".join(str(post_id) for post_id in nodes)  # integers from our own query
        for kind, post_id, name, extra, _, _ in await self.rows(RELATIONS.format(ids=ids), ()):
            node = nodes[post_id]
            if kind == "a":
                node["authors"].append({"name": name, "role": extra})
            elif kind == "t":
                node["themes"].append({"name": name})
            else:
                node["sections"].append({"name": name, "countryCode": extra})
        return list(nodes.values())

    async def front_page(self, variables: dict[str, Any]) -> dict[str, Any]:
        first = variables.get("first", 20)
        if not isinstance(first, int) or not 0 <= first <= MAX_PAGE_SIZE:
            raise BadRequest(f"`first` must be a whole number from 0 to {MAX_PAGE_SIZE}")
        rows = await self.rows(
            f"SELECT {POST_COLUMNS} FROM hub_post WHERE {VISIBLE} "
            "ORDER BY published_at DESC, id DESC LIMIT ?",
            (_now(), first),
        )
        nodes = await self.posts_with_relations(rows, with_body=False)
        return {"posts": {"edges": [{"node": node} for node in nodes]}}

    async def post(self, variables: dict[str, Any]) -> dict[str, Any]:
        slug = variables.get("slug")
        if not isinstance(slug, str):
            raise BadRequest("`slug` must be a string")
        rows = await self.rows(
            f"SELECT {POST_COLUMNS}, body FROM hub_post WHERE slug = ? AND {VISIBLE}",
            (slug, _now()),
        )
        nodes = await self.posts_with_relations(rows, with_body=True)
        return {"post": nodes[0] if nodes else None}

    async def search(self, variables: dict[str, Any]) -> dict[str, Any]:
        text, first = variables.get("query"), variables.get("first", 20)
        if not isinstance(text, str) or not isinstance(first, int) or not 0 <= first <= 100:
            raise BadRequest("`query` must be a string and `first` a whole number up to 100")
        match = _match_expression(text)
        window = int(os.environ.get("HUB_SEARCH_RANK_WINDOW", DEFAULT_RANK_WINDOW))
        rows = await self.rows(SEARCH_SQL, (match, window - 1, match, _now(), first))
        edges = [{"node": {"__typename": "Post", "slug": s, "title": t}} for s, t in rows]
        return {"search": {"edges": edges}}


Handler = Callable[[Store, dict[str, Any]], Awaitable[dict[str, Any]]]
HANDLERS: dict[str, Handler] = {
    "FrontPage": Store.front_page,
    "PostBySlug": Store.post,
    "Search": Store.search,
}


def _request_parts(request: Request, body: bytes) -> tuple[str, dict[str, Any]]:
    if request.method == "GET":
        name = request.query_params.get("operationName", "")
        raw_variables: Any = orjson.loads(request.query_params.get("variables") or "{}")
    else:
        payload = orjson.loads(body)
        if not isinstance(payload, dict):
            raise BadRequest("expected a JSON object")
        name, raw_variables = payload.get("operationName") or "", payload.get("variables") or {}
    if name not in HANDLERS:
        raise BadRequest(f"operationName must be one of {', '.join(HANDLERS)} (got {name!r})")
    if not isinstance(raw_variables, dict):
        raise BadRequest("`variables` must be a JSON object")
    return name, raw_variables


def create_app(database: Path | None = None) -> Starlette:
    """The baseline over ``database`` (default: ``$HUB_DATA_DIR/hub.sqlite3``)."""
    path = database or Path(os.environ.get("HUB_DATA_DIR", "data")) / "hub.sqlite3"
    if not path.is_file():
        raise FileNotFoundError(f"no database at {path}: run `hub migrate` and `hub demo` first")

    async def graphql(request: Request) -> Response:
        store: Store = request.app.state.store
        try:
            name, variables = _request_parts(request, await request.body())
            data = await HANDLERS[name](store, variables)
        except (BadRequest, orjson.JSONDecodeError) as error:
            body = orjson.dumps({"errors": [{"message": str(error)}]})
            return Response(body, status_code=400, media_type="application/json")
        return Response(orjson.dumps({"data": data}), media_type="application/json")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with aiosqlite.connect(path) as connection:
            app.state.store = Store(connection)
            yield

    routes = [Route("/graphql", graphql, methods=["GET", "POST"])]
    return Starlette(routes=routes, lifespan=lifespan)
