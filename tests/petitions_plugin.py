"""A third party's plugin, as its author would write it: one declared type, ``Petition``.

It declares the type once and registers it; it does not mention search or caches. Tests use it
to show that a type the hub has never heard of is searched, filtered by section and purged like
the core's, and that its own action (``petition.signed``) is a content event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar, TypeAlias

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader
from tortoise import fields
from tortoise.models import Model

from hub import (
    ContentType,
    Context,
    Info,
    LoaderFactory,
    ModelApp,
    RowReader,
    Section,
    declare,
    hookimpl,
    nodes_by_pk,
    public_id_column,
    ref,
    row_reader,
    slug_argument,
)


class PetitionRecord(Model):
    """A petition's row (named apart from the GraphQL type, which the schema looks up by name)."""

    id = fields.IntField(primary_key=True)
    public_id = public_id_column()
    slug = fields.CharField(max_length=120, unique=True)
    title = fields.CharField(max_length=200)
    demand = fields.TextField(default="")
    section: fields.ForeignKeyNullableRelation[Section] = fields.ForeignKeyField(
        "hub.Section", related_name="petitions", null=True, on_delete=fields.SET_NULL
    )
    signatures = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "petitions_petition"


PETITION = ContentType(
    "Petition",
    PetitionRecord,
    plural="petitions",
    description="A demand people sign.",
    fields={
        "slug": declare.slug(),
        "title": declare.short_text(200, required=True, searchable=True),
        "demand": declare.text(searchable=True),
        "section": declare.foreign_key("Section", on_type=False),
        "signatures": declare.integer(default=0, minimum=0, read_only=True),
        "updated_at": declare.datetime_field(read_only=True, on_type=False),
    },
    actions=("signed",),
)


@strawberry.type(name="Petition", description=PETITION.description)
class PetitionType(relay.Node):
    id: relay.NodeID[int]
    public_id: strawberry.Private[str | None] = None
    slug: str
    title: str
    demand: str
    signatures: int
    from_row: ClassVar[RowReader[PetitionType]]

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[PetitionType | None]:
        found: list[PetitionType | None] = await nodes_by_pk(
            info, PETITION.loader, node_ids, required
        )
        return found


PetitionType.from_row = row_reader(PETITION, PetitionType)

if TYPE_CHECKING:
    PetitionRef: TypeAlias = PetitionType
else:
    # The schema composes "Petition" from this body (and other plugins' extensions).
    PetitionRef = ref("Petition")


@strawberry.type
class PetitionQueries:
    @strawberry.field(description="A petition by its slug, or null.")
    async def petition(self, slug: str) -> PetitionRef | None:
        row = await (
            PetitionRecord.filter(slug=slug_argument("slug", slug))
            .first()
            .values(*PETITION.row_columns)
        )
        return PetitionType.from_row(row) if row else None


def _by_id(context: Context) -> DataLoader[int, PetitionType | None]:
    async def load(ids: Sequence[int]) -> list[PetitionType | None]:
        rows = await PetitionRecord.filter(id__in=list(ids)).values(*PETITION.row_columns)
        found = {row["id"]: PetitionType.from_row(row) for row in rows}
        return [found.get(key) for key in ids]

    return DataLoader(load_fn=load)


@hookimpl
def register_content_types() -> Sequence[ContentType]:
    return [PETITION]


@hookimpl
def register_models() -> Sequence[ModelApp]:
    return [ModelApp(label="petitions", modules=(__name__,))]


@hookimpl
def register_types() -> Sequence[type]:
    return [PetitionType]


@hookimpl
def register_queries() -> Sequence[type]:
    return [PetitionQueries]


@hookimpl
def register_dataloaders() -> Mapping[str, LoaderFactory]:
    return {PETITION.loader: _by_id}
