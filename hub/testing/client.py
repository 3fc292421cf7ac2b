"""A started hub on a fresh, migrated SQLite database, and an HTTP client for it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from itertools import count
from pathlib import Path
from typing import Any

import httpx
import pluggy
from starlette.applications import Starlette

from hub.access.models import Role, User
from hub.access.scopes import scope_catalogue
from hub.access.tokens import issue_token
from hub.app import create_app
from hub.database import apply_migrations
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from hub.testing.content import ContentFactory

_accounts = count(1)


def plugin_manager_for(plugins: Sequence[object | str]) -> pluggy.PluginManager:
    """The core's plugins and ``plugins``: modules or objects, or the names of installed
    plugins (their entry-point names: loaded as ``hub`` loads them, under that name)."""
    names = [plugin for plugin in plugins if isinstance(plugin, str)]
    objects = [plugin for plugin in plugins if not isinstance(plugin, str)]
    return get_plugin_manager(extra_plugins=objects, load_entry_points=names or False)


def settings_in(folder: Path, **settings: Any) -> Settings:
    """Settings for a hub in ``folder`` (its SQLite database there, unless ``database_url``
    names another, such as an empty PostgreSQL database); ``settings`` are :class:`hub.Settings`
    fields, plugin settings by name in ``extra={...}``."""
    settings.setdefault("database_url", f"sqlite://{folder / 'hub.sqlite3'}")
    return Settings(data_dir=folder, **settings)


class HubClient(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` on a running hub, with what plugin tests keep needing."""

    def __init__(self, app: Starlette) -> None:
        super().__init__(transport=httpx.ASGITransport(app=app), base_url="http://hub.test")
        self.app = app
        self.settings: Settings = app.state.hub.settings
        self.plugin_manager: pluggy.PluginManager = app.state.hub.plugin_manager
        #: Core content through the import machinery: ``await client.content.post(...)``.
        self.content = ContentFactory(self.plugin_manager)

    async def graphql(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """The data of an operation that must succeed; raises with the errors otherwise."""
        response = await self.post(
            "/graphql", json={"query": query, "variables": dict(variables or {})}, headers=headers
        )
        body: dict[str, Any] = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise AssertionError(f"GraphQL request failed ({response.status_code}): {body}")
        data: dict[str, Any] = body["data"]
        return data

    async def sign_in(
        self, role: Role = Role.EDITOR, scopes: Iterable[str] | None = None
    ) -> dict[str, str]:
        """Headers of a new account of ``role`` with a token for ``scopes`` (default: every
        scope the role may hold, the loaded plugins' included)."""
        user = await User.create(
            email=f"{role.value}-{next(_accounts)}@example.test",
            role=role,
            password_hash="signs in with its token only",
        )
        catalogue = scope_catalogue(self.plugin_manager)
        wanted = catalogue.for_role(role) if scopes is None else scopes
        issued = await issue_token(user, wanted, catalogue)
        return {"Authorization": f"Bearer {issued.token}"}


@asynccontextmanager
async def hub_client(
    plugins: Sequence[object | str], folder: Path, **settings: Any
) -> AsyncIterator[HubClient]:
    """A started hub with ``plugins`` on a fresh SQLite database in ``folder``, and a client.

    ``plugins`` are modules or objects, or installed plugins' entry-point names. The tables are
    made by the migrations, as ``hub migrate`` makes them in production: a model field added
    without a migration fails here, not after deployment.
    """
    from asgi_lifespan import LifespanManager

    pm = plugin_manager_for(plugins)
    app = create_app(settings_in(folder, **settings), pm)
    await apply_migrations(pm, app.state.hub.settings)
    async with LifespanManager(app), HubClient(app) as client:
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
