"""The core content (posts, people, sections, themes), registered as a default plugin."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from hub.content import (
    core_types,
    loaders,
    mutations,
    queries,
    redirect_queries,
    relations,
    seo,
    types,
)
from hub.content.content_type import ContentType
from hub.content.core_types import CORE_TYPES
from hub.graphql.context import LoaderFactory
from hub.hookimpl import hookimpl
from hub.models import ModelApp

if TYPE_CHECKING:
    import typer
    from starlette.applications import Starlette

    from hub.settings import Settings

#: Where a running hub keeps its scheduled-posts timer (``hub.content.due``).
DUE_POSTS_STATE_KEY = "hub_due_posts"


@hookimpl
def register_models() -> Sequence[ModelApp]:
    return [ModelApp(label="hub", modules=("hub.content.models", "hub.content.redirect_models"))]


@hookimpl
def register_content_types() -> Sequence[ContentType]:
    return CORE_TYPES


@hookimpl
def register_types() -> Sequence[type]:
    return [types.PostType, types.PersonType, types.SectionType, types.ThemeType, seo.PostSeoType]


@hookimpl
def register_queries() -> Sequence[type]:
    return [queries.ContentQueries, redirect_queries.RedirectQueries]


@hookimpl
def register_mutations() -> Sequence[type]:
    # In the published schema's order: posts, people, sections, themes.
    return [
        mutations.mutations_for(core_types.POST, types.PostType.from_row),
        mutations.mutations_for(core_types.PERSON, types.PersonType.from_row),
        mutations.mutations_for(core_types.SECTION, types.SectionType.from_row),
        mutations.mutations_for(core_types.THEME, types.ThemeType.from_row),
    ]


@hookimpl
def register_dataloaders() -> Mapping[str, LoaderFactory]:
    return {
        **loaders.dataloaders(),
        **relations.relation_loaders(),
    }


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    # Imported here so that serving the API never loads the CLI's import and demo machinery.
    from hub.content import commands

    commands.register(cli)


@hookimpl
async def startup(app: Starlette, settings: Settings) -> None:
    from hub.content.due import DuePosts
    from hub.leadership import leadership_for

    pm = app.state.hub.plugin_manager
    due = DuePosts(pm, leadership_for(settings))
    pm.register(due, name=f"{DUE_POSTS_STATE_KEY}-{id(app)}")
    setattr(app.state, DUE_POSTS_STATE_KEY, due)
    await due.load()
    due.start()


@hookimpl
async def shutdown(app: Starlette) -> None:
    due = getattr(app.state, DUE_POSTS_STATE_KEY, None)
    if due is not None:
        app.state.hub.plugin_manager.unregister(due)
        await due.stop()
