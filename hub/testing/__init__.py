"""Helpers for testing plugins against a real hub (used by the scaffold's tests, and ours).

Needs the test extras: ``httpx`` and ``asgi-lifespan``.

- :func:`hub_client`: a started hub with your plugin on a fresh, migrated SQLite database and a
  :class:`HubClient` (``graphql``, ``sign_in`` for a token of any role and scopes, ``content``
  to make sections, people, themes and posts through the import machinery).
- :func:`hub_cli`: the ``hub`` command line with your plugin, for its commands.
- :func:`sql_statements`: count the SQL statements a request sends.
- :func:`schema_sdl`: the SDL with your plugin added.

Plugins are given as modules or objects, or by their entry-point names once installed.
"""

from __future__ import annotations

from collections.abc import Sequence

from hub.graphql.schema import build_schema, exported_sdl
from hub.sql_statements import StatementLog
from hub.sql_statements import statements_logged as sql_statements
from hub.testing.cli import HubCLI, hub_cli
from hub.testing.client import HubClient, graphql, hub_client, plugin_manager_for
from hub.testing.content import ContentFactory

__all__ = [
    "ContentFactory",
    "HubCLI",
    "HubClient",
    "StatementLog",
    "graphql",
    "hub_cli",
    "hub_client",
    "plugin_manager_for",
    "schema_sdl",
    "sql_statements",
]


def schema_sdl(plugins: Sequence[object | str]) -> str:
    """The SDL of the core schema with ``plugins`` added."""
    from hub.settings import Settings

    return exported_sdl(build_schema(plugin_manager_for(plugins), Settings()).schema)
