"""A third party's content type, declared once: its whole GraphQL API and mutations follow."""

from collections.abc import Mapping, Sequence

from hub import (
    ContentType,
    Editing,
    LoaderFactory,
    ModelApp,
    Role,
    Scope,
    declare,
    hookimpl,
    served,
)

PETITION = ContentType(
    "Petition",
    plural="petitions",
    description="A petition people can sign.",
    fields={
        "slug": declare.slug(),
        "title": declare.short_text(200, required=True, filterable=True),
        "body": declare.html(description="What the petition asks for, as HTML."),
        "goal": declare.integer(default=1000, minimum=1, maximum=10_000_000, filterable=True),
        # tests/petitions_plugin.py's Petition has Section.petitions already: the two plugins'
        # tests may share a process, and Tortoise keeps reverse relations on the Section class.
        "section": declare.foreign_key(
            "Section", filterable=True, related_name="editable_petitions"
        ),
        "contact_email": declare.short_text(200, private=True),
    },
    table="petitions_petition",
    # EventKind is a closed list until content events are named by type (docs/content-types.md).
    editing=Editing(scopes=("petitions:write",)),
)
API = served(PETITION)


@hookimpl
def register_models() -> Sequence[ModelApp]:
    return [ModelApp("petitions", ("tests.petition_models",))]


@hookimpl
def register_scopes() -> Sequence[Scope]:
    return [
        Scope("petitions:write", "Create, change and delete petitions.", frozenset({Role.EDITOR}))
    ]


@hookimpl
def register_content_types() -> Sequence[ContentType]:
    return [PETITION]


@hookimpl
def register_types() -> Sequence[type]:
    return API.types


@hookimpl
def register_queries() -> Sequence[type]:
    return API.queries


@hookimpl
def register_mutations() -> Sequence[type]:
    return API.mutations


@hookimpl
def register_dataloaders() -> Mapping[str, LoaderFactory]:
    return API.loaders
