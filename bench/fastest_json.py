"""The fastest server with SQLite building the whole answer: one statement per request.

Like ``bench/fastest.py`` (Starlette, stdlib ``sqlite3`` on the event loop's thread, one
read-only connection), but each operation is a single statement whose one value is the response
body, made by SQLite's ``json_object`` and ``json_group_array``: no rows cross into Python. This
is the shape a GraphQL-to-SQL compiler aims at, so it is the limit for that work.

SQLite drops a value's JSON subtype at a subquery's edge, hence ``json(...)`` around every nested
value; ``json_group_array`` keeps the order of the subquery it reads.

Serve it with ``python -m uvicorn --factory bench.fastest_json:create_app``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette

from bench.fastest import read_only
from bench.handwritten import Store, application, page_size, slug_of, sqlite_now, sqlite_path
from bench.sqlite_rows import SEARCH_SQL, VISIBLE, search_parameters


def _node(with_body: bool) -> str:
    """One post as a JSON object, its relations in the hub's order, from ``p``."""
    body = "'body', p.body," if with_body else ""
    return f"""json_object(
  'title', p.title, 'slug', p.slug, 'publishedAt', replace(p.published_at, ' ', 'T'),
  'excerpt', p.excerpt, {body}
  'authors', json((SELECT json_group_array(json_object('name', name, 'role', role)) FROM (
    SELECT pe.name, pe.role FROM hub_post_author pa JOIN hub_person pe ON pe.id = pa.person_id
     WHERE pa.post_id = p.id ORDER BY pa.position, pa.id))),
  'themes', json((SELECT json_group_array(json_object('name', name)) FROM (
    SELECT t.name FROM hub_post_theme pt JOIN hub_theme t ON t.id = pt.theme_id
     WHERE pt.post_id = p.id ORDER BY t.name))),
  'sections', json((SELECT json_group_array(json_object('name', name, 'countryCode', code)) FROM (
    SELECT s.name, s.country_code AS code FROM hub_post_section ps
      JOIN hub_section s ON s.id = ps.section_id WHERE ps.post_id = p.id ORDER BY s.name))))"""


FRONT_PAGE_SQL = f"""
SELECT json_object('data', json_object('posts', json_object('edges', json((
  SELECT json_group_array(json_object('node', json(node))) FROM (
    SELECT {_node(with_body=False)} AS node FROM hub_post p WHERE {VISIBLE}
     ORDER BY p.published_at DESC, p.id DESC LIMIT ?))))))
"""

POST_SQL = f"""
SELECT json_object('data', json_object('post', json((
  SELECT {_node(with_body=True)} FROM hub_post p WHERE p.slug = ? AND {VISIBLE}))))
"""

SEARCH_JSON_SQL = f"""
SELECT json_object('data', json_object('search', json_object('edges', json((
  SELECT json_group_array(json_object('node', json_object(
    '__typename', 'Post', 'slug', slug, 'title', title))) FROM ({SEARCH_SQL}))))))
"""


class JsonStore(Store):
    """One sqlite3 connection whose every statement returns the response body."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.statements = 0

    def answer(self, sql: str, parameters: tuple[Any, ...]) -> bytes:
        self.statements += 1
        (body,) = self.connection.execute(sql, parameters).fetchone()
        return str(body).encode()

    async def front_page(self, variables: dict[str, Any]) -> bytes:
        return self.answer(FRONT_PAGE_SQL, (sqlite_now(), page_size(variables)))

    async def post(self, variables: dict[str, Any]) -> bytes:
        return self.answer(POST_SQL, (slug_of(variables), sqlite_now()))

    async def search(self, variables: dict[str, Any]) -> bytes:
        return self.answer(SEARCH_JSON_SQL, search_parameters(variables))


def create_app(database: Path | None = None) -> Starlette:
    """The one-statement server over ``database`` (default: ``$HUB_DATA_DIR/hub.sqlite3``)."""
    path = sqlite_path(database)

    @asynccontextmanager
    async def open_store() -> AsyncIterator[Store]:
        connection = read_only(path)
        try:
            yield JsonStore(connection)
        finally:
            connection.close()

    return application(open_store)
