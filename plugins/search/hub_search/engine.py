"""Everything the search plugin adds, bound to one plugin manager (see ``plugin.py``)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pluggy

from hub import (
    ContentEvent,
    ContentTypes,
    Info,
    ModelApp,
    Setting,
    Settings,
    content_types,
    hookimpl,
)
from hub_search import settings as search_settings
from hub_search.declared import declared_searchables
from hub_search.documents import Searchable
from hub_search.graphql_types import SearchFilter, build_search_query
from hub_search.indexer import apply_events
from hub_search.reach import FacetSources, facet_sources
from hub_search.resolvers import run_search, run_suggest

if TYPE_CHECKING:
    import typer
    from starlette.applications import Starlette

ENGINE_NAME = "search.engine"
logger = logging.getLogger("hub_search")


class SearchEngine:
    def __init__(self, plugin_manager: pluggy.PluginManager) -> None:
        self.plugin_manager = plugin_manager
        self.settings: Settings | None = None
        self._types: ContentTypes | None = None

    def content_types(self) -> ContentTypes:
        """Every declared type (the registry), read once; search indexes their documents."""
        if self._types is None:
            # A CLI command builds no schema: its settings are the environment's.
            settings = self.settings or Settings.from_env()
            self._types = content_types(self.plugin_manager, settings)
        return self._types

    def facet_sources(self, searchables: Mapping[str, Searchable]) -> FacetSources:
        return facet_sources(self.content_types(), frozenset(searchables))

    def searchables(self) -> dict[str, Searchable]:
        """Every searchable type by GraphQL name, core first; a name declared twice is an error."""
        found: dict[str, Searchable] = {}
        for declared in self.plugin_manager.hook.register_searchable_types():
            for searchable in declared or ():
                if searchable.type_name in found:
                    raise ValueError(
                        f"the type {searchable.type_name!r} is declared searchable twice"
                    )
                found[searchable.type_name] = searchable
        return found

    @hookimpl(tryfirst=True)
    def register_searchable_types(self) -> Sequence[Searchable]:
        # Every declared type with searchable fields, the core's and any plugin's alike.
        return declared_searchables(self.content_types())

    @hookimpl
    def register_settings(self) -> Sequence[Setting[Any]]:
        return search_settings.DECLARED

    @hookimpl
    def register_models(self) -> Sequence[ModelApp]:
        return [ModelApp(label="search", modules=("hub_search.models",))]

    @hookimpl
    def register_queries(self, settings: Settings) -> Sequence[type]:
        self.settings = settings
        searchables = self.searchables()
        sources = self.facet_sources(searchables)

        async def search(
            edge_type: Any,
            connection_type: Any,
            info: Info,
            query: str,
            types: list[str] | None,
            search_filter: SearchFilter | None,
            language: str | None,
            first: int | None,
            after: str | None,
        ) -> Any:
            return await run_search(
                searchables, sources, edge_type, connection_type, info, query, types, search_filter,
                language, first, after,
            )  # fmt: skip

        async def suggest(
            suggestion_type: Any,
            info: Info,
            prefix: str,
            first: int | None,
            types: list[str] | None,
            language: str | None,
        ) -> Any:
            return await run_suggest(
                searchables, sources, suggestion_type, info, prefix, first, types, language
            )

        return [build_search_query(list(searchables), search, suggest)]

    @hookimpl
    async def content_events(self, events: Sequence[ContentEvent]) -> None:
        # The index is in the shared database: the process that committed a change indexed it.
        local = [event for event in events if not event.remote]
        if local:
            await apply_events(self.searchables(), local)

    @hookimpl
    async def startup(self, app: Starlette, settings: Settings) -> None:
        from hub_search.backends import current_backend
        from hub_search.status import index_status

        await current_backend().tune_connection()
        problem = await index_status()
        if problem:
            logger.warning("search: %s", problem)

    @hookimpl
    def register_commands(self, cli: typer.Typer) -> None:
        from hub_search.commands import register

        register(cli, self)
