"""Helpers for testing plugins against a real hub (used by the scaffold's tests, and ours).

Needs the test extras: ``httpx`` and ``asgi-lifespan``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hub.app import create_app
from hub.database import apply_migrations
from hub.graphql.schema import build_schema, exported_sdl
from hub.plugins import get_plugin_manager
from hub.settings import Settings

if TYPE_CHECKING:
    import httpx


def schema_sdl(plugins: Sequence[object]) -> str:
    """The SDL of the core schema with ``plugins`` added."""
    pm = get_plugin_manager(extra_plugins=plugins, load_entry_points=False)
    return exported_sdl(build_schema(pm, Settings()).schema)


@asynccontextmanager
async def hub_client(
    plugins: Sequence[object], folder: Path, **settings: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """A started hub with ``plugins`` on a fresh SQLite database in ``folder``, and a client.

    The tables are made by the migrations, as ``hub migrate`` makes them in production: a
    model field added without a migration fails here, not after deployment.
    """
    import httpx
    from asgi_lifespan import LifespanManager

    hub_settings = Settings(
        data_dir=folder, database_url=f"sqlite://{folder / 'hub.sqlite3'}", **settings
    )
    pm = get_plugin_manager(extra_plugins=plugins, load_entry_points=False)
    app = create_app(hub_settings, pm)
    await apply_migrations(pm, app.state.hub.settings)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            yield client


async def graphql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The data of a query that must succeed; raises with the errors otherwise."""
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}})
    body: dict[str, Any] = response.json()
    if response.status_code != 200 or body.get("errors"):
        raise AssertionError(f"GraphQL request failed ({response.status_code}): {body}")
    data: dict[str, Any] = body["data"]
    return data
