"""The sections map's hook implementations: everything it adds to the hub."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from starlette.routing import BaseRoute

from hub import (
    ContentEvent,
    ContentType,
    EventKind,
    LoaderFactory,
    ModelApp,
    PluginMetadata,
    Role,
    Scope,
    Setting,
    Settings,
    hookimpl,
    part_mutations,
)
from hub_sections_map import content, loaders, placement, queries, routes, settings, types


@hookimpl
def plugin_metadata() -> PluginMetadata:
    # The map is embedded by URL on partner sites: /map is shorter than /sections_map.
    return PluginMetadata(route_prefixes=("/map",))


@hookimpl
def register_settings() -> Sequence[Setting[Any]]:
    return settings.DECLARED


@hookimpl
def register_models() -> Sequence[ModelApp]:
    return [ModelApp(label="sections_map", modules=("hub_sections_map.models",))]


@hookimpl
def register_content_types() -> Sequence[ContentType]:
    return [content.SECTION_LOCATION]


@hookimpl
def register_type_extensions() -> Mapping[str, Sequence[type]]:
    return {"Section": [types.SectionMapFields]}


@hookimpl
def register_queries() -> Sequence[type]:
    return [queries.SectionsMapQueries]


@hookimpl
def register_mutations() -> Sequence[type]:
    return [part_mutations(content.SECTION_LOCATION)]


@hookimpl(optionalhook=True)  # the access plugin's hook: still loads without it
def register_scopes() -> Sequence[Scope]:
    return [
        Scope(
            content.WRITE,
            "Place sections on the map (setSectionLocation).",
            frozenset({Role.EDITOR}),
        )
    ]


@hookimpl
def register_dataloaders() -> Mapping[str, LoaderFactory]:
    return loaders.dataloaders()


@hookimpl
def register_routes(settings: Settings) -> Sequence[BaseRoute]:
    return routes.map_routes(settings)


@hookimpl
async def content_event(event: ContentEvent) -> None:
    # A new section appears at its country's capital until someone places it more precisely.
    # Placing writes the shared database: only the process that committed the change does it.
    if event.kind is EventKind.SECTION_CHANGED and not event.remote:
        await placement.place_unplaced_sections([event.pk])


@hookimpl
async def load_demo_content() -> None:
    # The seed's sections are national sections: each goes at its country's capital.
    await placement.place_unplaced_sections()
