"""Mutations that show an image on a post, a person or a section (or stop showing one); and
the image link previews show for a post."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay
from tortoise.transactions import in_transaction

from hub import (
    ContentEvent,
    Info,
    PersonRef,
    PostRef,
    RequireScope,
    SectionRef,
    UserError,
    dispatch_content_events,
    node_key,
    parse_key,
)
from hub_media.models import Asset
from hub_media.mutations import image_pk
from hub_media.placements import PERSON, POST, SECTION, SOCIAL, Placement
from hub_media.publishing import featured_image_refusal

CONTENT_WRITE = "content:write"


async def place(info: Info, placement: Placement, owner: relay.GlobalID, image: Any) -> Any:
    argument = placement.owner
    key = parse_key(owner.node_id) if owner.type_name == placement.type_name else None
    if key is None:
        raise UserError(
            f"`{argument}` must be the id of a {placement.type_name}.", argument=argument
        )
    # An old ID names the row number, a current one the public id (hub.parse_key).
    named = {"id": key} if isinstance(key, int) else {"public_id": key}
    rows = await placement.owner_model.filter(**named).values("id", "slug", "public_id")
    if not rows:
        raise UserError(
            f"There is no {placement.type_name.lower()} with the id {owner}.", argument=argument
        )
    owner_pk = rows[0]["id"]
    asset_pk = None if image is None else image_pk(image, "image")
    if asset_pk is not None and not await Asset.exists(id=asset_pk):
        raise UserError(f"There is no image with the id {image}.", argument="image")
    async with in_transaction():
        if placement in (POST, SOCIAL) and asset_pk is not None:
            refusal = await featured_image_refusal(owner_pk, asset_pk)
            if refusal is not None:
                raise UserError(refusal, argument="image")
        links = placement.model.filter(**{placement.owner_id: owner_pk})
        if asset_pk is None:
            await links.delete()
        elif not await links.update(asset_id=asset_pk):
            await placement.model(**{placement.owner_id: owner_pk, "asset_id": asset_pk}).save()
    await dispatch_content_events(
        info.context.plugin_manager,
        [
            ContentEvent(
                placement.event,
                placement.type_name,
                owner_pk,
                rows[0]["slug"],
                {placement.field: None if image is None else str(image)},
                public_id=node_key(rows[0]["public_id"]),
            )
        ],
    )
    return await info.context.loaders[f"{placement.owner}_by_id"].load(owner_pk)


@strawberry.type
class PlacingMutations:
    @strawberry.mutation(
        permission_classes=[RequireScope(CONTENT_WRITE)],
        description="Show an image with a post (`image: null` shows none).",
    )
    async def set_featured_image(
        self, info: Info, post: relay.GlobalID, image: relay.GlobalID | None
    ) -> PostRef | None:
        placed: PostRef | None = await place(info, POST, post, image)
        return placed

    @strawberry.mutation(
        permission_classes=[RequireScope(CONTENT_WRITE)],
        description="Set the image link previews show for a post (`Post.seo.image`); "
        "`image: null` shows its featured image again.",
    )
    async def set_social_image(
        self, info: Info, post: relay.GlobalID, image: relay.GlobalID | None
    ) -> PostRef | None:
        placed: PostRef | None = await place(info, SOCIAL, post, image)
        return placed

    @strawberry.mutation(
        permission_classes=[RequireScope(CONTENT_WRITE)],
        description="Set a person's photo (`image: null` removes it).",
    )
    async def set_person_photo(
        self, info: Info, person: relay.GlobalID, image: relay.GlobalID | None
    ) -> PersonRef | None:
        placed: PersonRef | None = await place(info, PERSON, person, image)
        return placed

    @strawberry.mutation(
        permission_classes=[RequireScope(CONTENT_WRITE)],
        description="Set a section's image (`image: null` removes it).",
    )
    async def set_section_image(
        self, info: Info, section: relay.GlobalID, image: relay.GlobalID | None
    ) -> SectionRef | None:
        placed: SectionRef | None = await place(info, SECTION, section, image)
        return placed
