"""The media plugin's hook implementations: everything it adds to the hub."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pluggy
import typer
from starlette.requests import Request
from starlette.routing import BaseRoute

from hub import (
    FieldResolver,
    ImportedMedia,
    LoaderFactory,
    ModelApp,
    PluginMetadata,
    Scope,
    Setting,
    Settings,
    hookimpl,
)
from hub_media import (
    extensions,
    hookspecs,
    imports,
    loaders,
    mutations,
    permissions,
    placing,
    publishing,
    routes,
    settings,
    types,
)
from hub_media import post_images as featured
from hub_media.commands import register as register_media_commands
from hub_media.runtime import default_storage
from hub_media.storage import MediaStorage


@hookimpl
def plugin_metadata() -> PluginMetadata:
    # uploadImage takes Strawberry's Upload scalar: /graphql must accept multipart requests.
    return PluginMetadata(accepts_uploads=True)


@hookimpl
def add_hookspecs(plugin_manager: pluggy.PluginManager) -> None:
    plugin_manager.add_hookspecs(hookspecs)


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    register_media_commands(cli)


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
        "PostSeo": [extensions.PostSeoImageFields],
        "Person": [extensions.PersonImageFields],
        "Section": [extensions.SectionImageFields],
    }


@hookimpl
def register_field_resolvers() -> Mapping[str, Mapping[str, FieldResolver]]:
    # Old frontends keep showing people's photos once `hub media import-photos` moved them.
    return {"Person": {"photoUrl": extensions.person_photo_url}}


@hookimpl
def register_dataloaders() -> Mapping[str, LoaderFactory]:
    return loaders.dataloaders()


@hookimpl
def register_routes(settings: Settings) -> Sequence[BaseRoute]:
    return routes.rendition_routes(settings)


@hookimpl
async def publication_problems(
    posts: Sequence[Mapping[str, Any]],
) -> Sequence[tuple[int, str, str]]:
    return await publishing.publication_problems(posts)


@hookimpl(optionalhook=True)
async def post_images(post_ids: Sequence[int], request: Request) -> Mapping[int, Mapping[str, Any]]:
    return await featured.post_images(post_ids, request)


@hookimpl
async def import_media(
    media: Sequence[ImportedMedia], plugin_manager: pluggy.PluginManager, settings: Settings
) -> list[str]:
    return await imports.import_media(media, plugin_manager, settings)
