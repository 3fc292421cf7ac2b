"""What every hand-written server shares: the requests they understand and the answers' shape.

The hand-written servers do not parse GraphQL: they dispatch on ``operationName`` and answer with
the hub's JSON for the benchmark's operations (``bench/queries.py``), never caching. Each one is a
:class:`Store` (how it reads the database) served by :func:`application`; the statements it sends
are counted in ``Store.statements`` for the report.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

MAX_PAGE_SIZE = 100
MAX_SEARCH_RESULTS = 100
DEFAULT_RANK_WINDOW = 1000
PENDING_MARK = "hubsearchpending"
#: ``{ __typename }``: the request path alone, no database.
TYPENAME_ANSWER = b'{"data":{"__typename":"Query"}}'


class BadRequest(Exception):
    """The request names no operation the server knows; the message says what was wrong."""


def sqlite_path(database: Path | None) -> Path:
    """``database``, or ``$HUB_DATA_DIR/hub.sqlite3``; it must exist."""
    path = database or Path(os.environ.get("HUB_DATA_DIR", "data")) / "hub.sqlite3"
    if not path.is_file():
        raise FileNotFoundError(f"no database at {path}: run `hub migrate` and `hub demo` first")
    return path


def rank_window() -> int:
    return int(os.environ.get("HUB_SEARCH_RANK_WINDOW", DEFAULT_RANK_WINDOW))


def sqlite_now() -> str:
    # The text form Python's sqlite3 gives a datetime, which is how the hub stores (and compares)
    # ``published_at`` on SQLite.
    return datetime.now(UTC).isoformat(" ")


def match_expression(text: str) -> str:
    """Every word of ``text``, as FTS5 phrases joined with AND, public documents only."""
    words = [word for word in "".join(c if c.isalnum() else " " for c in text).split() if word]
    if not words:
        raise BadRequest("`query` has no words to look for")
    required = " AND ".join(f'"{word.lower()}"' for word in words)
    return f"({required}) NOT {PENDING_MARK}"


def page_size(variables: dict[str, Any]) -> int:
    first = variables.get("first", 20)
    if not isinstance(first, int) or not 0 <= first <= MAX_PAGE_SIZE:
        raise BadRequest(f"`first` must be a whole number from 0 to {MAX_PAGE_SIZE}")
    return first


def slug_of(variables: dict[str, Any]) -> str:
    slug = variables.get("slug")
    if not isinstance(slug, str):
        raise BadRequest("`slug` must be a string")
    return slug


def search_terms(variables: dict[str, Any]) -> tuple[str, int]:
    """The FTS5 match expression and the number of results asked for."""
    text, first = variables.get("query"), variables.get("first", 20)
    if not isinstance(text, str) or not isinstance(first, int):
        raise BadRequest("`query` must be a string and `first` a whole number")
    if not 0 <= first <= MAX_SEARCH_RESULTS:
        raise BadRequest(f"`first` must be a whole number up to {MAX_SEARCH_RESULTS}")
    return match_expression(text), first


def data(payload: Any) -> bytes:
    return orjson.dumps({"data": payload})


class Store:
    """How one server reads the database; each method returns the whole JSON response body."""

    statements = 0

    async def front_page(self, variables: dict[str, Any]) -> bytes:
        raise NotImplementedError

    async def post(self, variables: dict[str, Any]) -> bytes:
        raise NotImplementedError

    async def search(self, variables: dict[str, Any]) -> bytes:
        raise BadRequest("this server answers no search")

    async def typename(self, variables: dict[str, Any]) -> bytes:
        return TYPENAME_ANSWER


Fetch = Callable[[str, Sequence[Any]], Awaitable[list[Sequence[Any]]]]


class RowStore(Store):
    """A store that reads rows and builds the answer in Python: the page (or the post), then
    every author, theme and section of those posts in one statement."""

    async def rows(self, sql: str, parameters: Sequence[Any]) -> list[Sequence[Any]]:
        raise NotImplementedError

    def published_at(self, stored: Any) -> str | None:
        raise NotImplementedError

    def relations_sql(self, ids: list[int]) -> tuple[str, Sequence[Any]]:
        """Rows of (kind, post id, name, extra, ...sort keys), grouped by kind and post."""
        raise NotImplementedError

    async def posts_with_relations(
        self, rows: list[Sequence[Any]], with_body: bool, fetch: Fetch | None = None
    ) -> list[dict[str, Any]]:
        """The posts of ``rows`` as the hub's nodes; relations are read with ``fetch``
        (default: :meth:`rows`)."""
        nodes: dict[int, dict[str, Any]] = {}
        for row in rows:
            node: dict[str, Any] = {
                "title": row[1],
                "slug": row[2],
                "publishedAt": self.published_at(row[3]),
                "excerpt": row[4],
            }
            if with_body:
                node["body"] = row[5]
            node["authors"], node["themes"], node["sections"] = [], [], []
            nodes[row[0]] = node
        if not nodes:
            return []
        sql, parameters = self.relations_sql(list(nodes))
        for kind, post_id, name, extra, *_ in await (fetch or self.rows)(sql, parameters):
            node = nodes[post_id]
            if kind == "a":
                node["authors"].append({"name": name, "role": extra})
            elif kind == "t":
                node["themes"].append({"name": name})
            else:
                node["sections"].append({"name": name, "countryCode": extra})
        return list(nodes.values())


Handler = Callable[[Store, dict[str, Any]], Awaitable[bytes]]
# Looked up on the store at call time, so each server's own methods answer.
HANDLERS: dict[str, Handler] = {
    "FrontPage": lambda store, variables: store.front_page(variables),
    "PostBySlug": lambda store, variables: store.post(variables),
    "Search": lambda store, variables: store.search(variables),
    "Typename": lambda store, variables: store.typename(variables),
}


def request_parts(request: Request, body: bytes) -> tuple[str, dict[str, Any]]:
    """The operation's name and its variables, from a GET's query string or a POST's body."""
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


def application(open_store: Callable[[], AbstractAsyncContextManager[Store]]) -> Starlette:
    """``/graphql`` answered by the store ``open_store`` opens for the app's lifetime."""

    async def graphql(request: Request) -> Response:
        store: Store = request.app.state.store
        try:
            name, variables = request_parts(request, await request.body())
            body = await HANDLERS[name](store, variables)
        except (BadRequest, orjson.JSONDecodeError) as error:
            body = orjson.dumps({"errors": [{"message": str(error)}]})
            return Response(body, status_code=400, media_type="application/json")
        return Response(body, media_type="application/json")

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with open_store() as store:
            app.state.store = store
            yield

    routes = [Route("/graphql", graphql, methods=["GET", "POST"])]
    return Starlette(routes=routes, lifespan=lifespan)
