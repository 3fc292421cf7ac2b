"""Petitions people sign: declared once, the hub derives the rest; the signing is written here."""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import pluggy
import strawberry
import typer
from tortoise import fields
from tortoise.expressions import F
from tortoise.models import Model
from tortoise.transactions import in_transaction

import hub
from hub import ContentEvent, ContentType, Editing, UserError, declare, hookimpl

PETITION = ContentType(
    "Petition",
    plural="petitions",
    description="A demand people sign.",
    fields={
        "slug": declare.slug(),
        "title": declare.short_text(200, required=True, searchable=True, filterable=True),
        "demand": declare.html(searchable=True, description="What it asks for, as HTML."),
        "goal": declare.integer(default=1000, minimum=1, filterable=True),
        "section": declare.foreign_key("Section", filterable=True),
        "post": declare.foreign_key("Post", unique=True, description="The post campaigning."),
        "contact_email": declare.short_text(254, private=True),  # stored, exported, never served
        "signatures": declare.integer(default=0, read_only=True),
        "opened_at": declare.datetime_field(nullable=True, default=None),
    },
    links={"themes": declare.links("Theme", loader="petition_themes")},
    actions=("signed",),
    editing=Editing(scopes=("petitions:write",)),
)
Petition = hub.model_for(PETITION, app="petitions")
(PetitionTheme,) = hub.link_models(PETITION)
API = hub.served(PETITION)


class Signature(Model):
    """Personal data, not content: never served, exported or audited."""

    petition = fields.ForeignKeyField("petitions.Petition", related_name="signed_by")
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=254)
    signed_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "petitions_signature"
        unique_together = (("petition", "email"),)


@strawberry.type
class PetitionSigning:
    @strawberry.mutation(graphql_type=hub.ref("Petition"), description="Sign, once per email.")
    async def sign_petition(self, info: hub.Info, slug: str, name: str, email: str) -> Any:
        slug, name, email = hub.slug_argument("slug", slug), name.strip(), email.strip().lower()
        if not 0 < len(name) <= 200:
            raise UserError("name: give 1 to 200 characters.", argument="name")
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email) or len(email) > 254:
            raise UserError(f"email: {email!r} is not an email address.", argument="email")
        async with in_transaction():
            # Locked until the commit: a second click signing at the same moment waits its turn.
            petition = await Petition.select_for_update().get_or_none(slug=slug)
            if petition is None or petition.opened_at is None:
                raise UserError(f"slug: no petition {slug!r} is open to sign.", argument="slug")
            if await Signature.exists(petition=petition, email=email):
                raise UserError("email: this address has signed it already.", argument="email")
            await Signature.create(petition=petition, email=email, name=name)
            await Petition.filter(id=petition.id).update(signatures=F("signatures") + 1)
        signed = await info.context.loaders["petition_by_id"].load(petition.id)
        changes = {"signatures": signed.signatures}
        told = ContentEvent(PETITION.event("signed"), "Petition", signed.id, signed.slug, changes)
        await hub.dispatch_content_events(info.context.plugin_manager, [told])
        return signed


@strawberry.type
class PostPetition:
    petition = hub.loaded_field("petition_by_post", hub.ref("Petition") | None)


@hookimpl
async def content_event(event: ContentEvent, plugin_manager: pluggy.PluginManager) -> None:
    """A petition opens for signatures when the post campaigning for it is published."""
    if event.kind is not hub.EventKind.POST_PUBLISHED or event.remote:
        return
    opening = await Petition.filter(post_id=event.pk, opened_at=None).values_list("id", "slug")
    now, ids = datetime.now(UTC), [pk for pk, _ in opening]
    await Petition.filter(id__in=ids).update(opened_at=now, version=F("version") + 1)
    changes = {"opened_at": now.isoformat()}
    told = [ContentEvent(PETITION.changed_event, "Petition", *row, changes) for row in opening]
    await hub.dispatch_content_events(plugin_manager, told)


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    @cli.command("petitions-signatures")
    def signatures() -> None:
        """Every signature as CSV on standard output: petition, name, email, signed at."""
        columns = ("petition__slug", "name", "email", "signed_at")
        rows = hub.run_in_database(lambda: Signature.all().order_by("id").values_list(*columns))
        csv.writer(sys.stdout).writerows([("petition", "name", "email", "signed_at"), *rows])


@hookimpl
def register_models() -> Sequence[hub.ModelApp]:
    return [hub.ModelApp("petitions", (__name__,))]


@hookimpl
def register_content_types() -> Sequence[ContentType]:
    return [PETITION]


@hookimpl(optionalhook=True)
def register_scopes() -> Sequence[hub.Scope]:
    return [hub.Scope("petitions:write", "Edit petitions.", frozenset({hub.Role.EDITOR}))]


@hookimpl
def register_types() -> Sequence[type]:
    return API.types


@hookimpl
def register_type_extensions() -> Mapping[str, Sequence[type]]:
    return {"Post": [PostPetition]}


@hookimpl
def register_queries() -> Sequence[type]:
    return API.queries


@hookimpl
def register_mutations() -> Sequence[type]:
    return [*API.mutations, PetitionSigning]


@hookimpl
def register_dataloaders() -> Mapping[str, hub.LoaderFactory]:
    return API.loaders
