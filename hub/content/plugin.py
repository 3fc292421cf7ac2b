"""The core content (posts, people, sections, themes), registered as a default plugin."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from hub.content import loaders, mutations, queries, relations, types
from hub.graphql.context import LoaderFactory
from hub.hookimpl import hookimpl
from hub.models import ModelApp

if TYPE_CHECKING:
    import typer


@hookimpl
def register_models() -> Sequence[ModelApp]:
    return [ModelApp(label="hub", modules=("hub.content.models",))]


@hookimpl
def register_types() -> Sequence[type]:
    return [types.PostType, types.PersonType, types.SectionType, types.ThemeType]


@hookimpl
def register_queries() -> Sequence[type]:
    return [queries.ContentQueries]


@hookimpl
def register_mutations() -> Sequence[type]:
    return [mutations.ContentMutations]


@hookimpl
def register_type_extensions() -> Mapping[str, Sequence[type]]:
    # `version` lives with the mutations that check it, one batched query when asked for.
    return mutations.VERSION_FIELDS


@hookimpl
def register_dataloaders() -> Mapping[str, LoaderFactory]:
    return {
        **loaders.dataloaders(),
        **relations.relation_loaders(),
        **mutations.VERSION_LOADERS,
    }


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    # Imported here so that serving the API never loads the CLI's import and demo machinery.
    from hub.content import commands

    commands.register(cli)
