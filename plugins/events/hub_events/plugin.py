"""The events plugin's hook implementations: everything it adds to the hub."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from starlette.routing import BaseRoute

from hub import ContentType, LoaderFactory, ModelApp, Role, Scope, Setting, Settings, hookimpl
from hub_events import calendar, content, demo, loaders, queries, settings, types


@hookimpl
def register_settings() -> Sequence[Setting[Any]]:
    return settings.DECLARED


@hookimpl
def register_models() -> Sequence[ModelApp]:
    return [ModelApp(label="events", modules=("hub_events.models",))]


@hookimpl
def register_content_types() -> Sequence[ContentType]:
    return [content.EVENT]


@hookimpl(optionalhook=True)  # the access plugin's hook: still loads without it
def register_scopes() -> Sequence[Scope]:
    return [
        Scope(
            content.WRITE,
            "Create, change and delete events (createEvent, updateEvent, deleteEvent).",
            frozenset({Role.EDITOR}),
        )
    ]


@hookimpl
def register_types() -> Sequence[type]:
    return types.EVENTS.types


@hookimpl
def register_type_extensions() -> Mapping[str, Sequence[type]]:
    return {"Section": [types.SectionEventFields]}


@hookimpl
def register_queries() -> Sequence[type]:
    return [queries.EventQueries]


@hookimpl
def register_mutations() -> Sequence[type]:
    return types.EVENTS.mutations


@hookimpl
def register_dataloaders() -> Mapping[str, LoaderFactory]:
    return loaders.dataloaders()


@hookimpl
def register_routes(settings: Settings) -> Sequence[BaseRoute]:
    return calendar.calendar_routes(settings)


@hookimpl
async def load_demo_content() -> None:
    await demo.load_demo_events()
