"""The media plugin's hook implementations: everything it adds to the hub."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pluggy
from starlette.routing import BaseRoute

from hub import LoaderFactory, ModelApp, PluginMetadata, Scope, Setting, Settings, hookimpl
from hub_media import (
    extensions,
    hookspecs,
    loaders,
    mutations,
    permissions,
    placing,
    routes,
    settings,
    types,
)
from hub_media.commands import COMMANDS_NAME, MediaCommands
from hub_media.runtime import default_storage
from hub_media.storage import MediaStorage


@hookimpl
def plugin_metadata() -> PluginMetadata:
    # uploadImage takes Strawberry's Upload scalar: /graphql must accept multipart requests.
    return PluginMetadata(accepts_uploads=True)


@hookimpl
def add_hookspecs(plugin_manager: pluggy.PluginManager) -> None:
    plugin_manager.add_hookspecs(hookspecs)
    if plugin_manager.get_plugin(COMMANDS_NAME) is None:
        plugin_manager.register(MediaCommands(plugin_manager), name=COMMANDS_NAME)


@hookimpl
def register_settings() -> Sequence[Setting[Any]]:
    return settings.DECLARED


@hookimpl(trylast=True)
def media_storage(settings: Settings) -> MediaStorage:
    return default_storage(settings)


@hookimpl(optionalhook=True)
def register_scopes() -> Sequence[Scope]:
    return permissions.SCOPES


@hookimpl
def register_models() -> Sequence[ModelApp]:
    return [ModelApp(label="media", modules=("hub_media.models",))]


@hookimpl
def register_types() -> Sequence[type]:
    return [types.ImageType]


@hookimpl
def register_mutations() -> Sequence[type]:
    return [mutations.MediaMutations, placing.PlacingMutations]


@hookimpl
def register_type_extensions() -> Mapping[str, Sequence[type]]:
    return {
        "Post": [extensions.PostImageFields],
        "Person": [extensions.PersonImageFields],
        "Section": [extensions.SectionImageFields],
    }


@hookimpl
def register_dataloaders() -> Mapping[str, LoaderFactory]:
    return loaders.dataloaders()


@hookimpl
def register_routes(settings: Settings) -> Sequence[BaseRoute]:
    return routes.rendition_routes(settings)
