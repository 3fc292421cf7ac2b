"""Mutations of the media library: upload an image, edit its details, delete it when unused."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

import strawberry
from strawberry import relay
from strawberry.file_uploads import Upload
from strawberry.types.unset import UNSET
from tortoise.exceptions import IntegrityError

from hub import Info, RequireScope, UserError, dispatch_content_events
from hub_media import usage
from hub_media.images import RefusedImage
from hub_media.models import Asset
from hub_media.permissions import WRITE
from hub_media.publishing import public_posts_needing_alt
from hub_media.runtime import storage
from hub_media.settings import MediaSettings
from hub_media.types import ASSET_FIELDS, ImageRef, ImageType
from hub_media.upload import AsyncReadable, ImageDetails, ingest, spooled

MAX_TEXT = {"alt": 1000, "caption": 2000, "credit": 300, "licence": 200}


@strawberry.input(description="A point of the image, as fractions from the top left.")
class FocalPointInput:
    x: float
    y: float


@strawberry.input(description="What to say about an image; fields left out are kept.")
class ImageDetailsInput:
    alt: str | None = UNSET
    caption: str | None = UNSET
    credit: str | None = UNSET
    licence: str | None = UNSET
    focal_point: FocalPointInput | None = strawberry.field(
        default=UNSET, description="Crops keep it in view; the centre when left out."
    )


def image_pk(image: relay.GlobalID, argument: str) -> int:
    if image.type_name != "Image" or not image.node_id.isdigit():
        raise UserError(f"`{argument}` must be the id of an Image.", argument=argument)
    return int(image.node_id)


def apply_details(details: ImageDetails, given: ImageDetailsInput | None) -> ImageDetails:
    if given is None:
        return details
    changes: dict[str, Any] = {}
    for name, limit in MAX_TEXT.items():
        value = getattr(given, name)
        if value is UNSET:
            continue
        text = (value or "").strip()
        if len(text) > limit:
            raise UserError(
                f"`details.{name}` is {len(text)} characters long; at most {limit} are kept.",
                argument=f"details.{name}",
            )
        changes[name] = text
    point = given.focal_point
    if point is not UNSET:
        x, y = (0.5, 0.5) if point is None else (point.x, point.y)
        if not (0 <= x <= 1 and 0 <= y <= 1):
            raise UserError(
                "`details.focalPoint` must have x and y between 0 and 1 (0.5, 0.5 is the centre).",
                argument="details.focalPoint",
            )
        changes.update(focal_x=x, focal_y=y)
    return replace(details, **changes)


async def image_of(pk: int) -> ImageType:
    rows = await Asset.filter(id=pk).values(*ASSET_FIELDS)
    return ImageType.from_row(rows[0])


@strawberry.type
class MediaMutations:
    @strawberry.mutation(
        permission_classes=[RequireScope(WRITE)],
        description=(
            "Add an image to the media library: a GraphQL multipart request with the file "
            "(JPEG, PNG, WebP, GIF or AVIF; checked by its content, not its name)."
        ),
    )
    async def upload_image(
        self, info: Info, file: Upload, details: ImageDetailsInput | None = None
    ) -> ImageRef:
        if not callable(getattr(file, "read", None)):
            # The Upload scalar takes any literal: only the multipart request's part is a file.
            raise UserError(
                "`file` must be a file part of a GraphQL multipart request "
                "(https://github.com/jaydenseric/graphql-multipart-request-spec), "
                "not a value written in the query or its variables.",
                argument="file",
            )
        context = info.context
        media = MediaSettings.of(context.settings)
        chosen = apply_details(ImageDetails(), details)
        upload = cast(AsyncReadable, file)
        try:
            async with spooled(upload, media.max_upload_bytes) as path:
                asset = await ingest(
                    path,
                    str(getattr(file, "filename", "") or ""),
                    chosen,
                    storage(context.plugin_manager, context.settings),
                    media,
                )
        except RefusedImage as refusal:
            raise UserError(f"`file`: {refusal}", argument="file") from refusal
        return await image_of(asset.id)

    @strawberry.mutation(
        permission_classes=[RequireScope(WRITE)],
        description="Change an image's text or focal point (a new focal point makes new URLs).",
    )
    async def update_image(
        self, info: Info, id: relay.GlobalID, details: ImageDetailsInput
    ) -> ImageRef:
        pk = image_pk(id, "id")
        asset = await Asset.get_or_none(id=pk)
        if asset is None:
            raise UserError(f"There is no image with the id {id}.", argument="id")
        current = ImageDetails(
            asset.alt, asset.caption, asset.credit, asset.licence, asset.focal_x, asset.focal_y
        )
        wanted = apply_details(current, details)
        if current.alt.strip() and not wanted.alt.strip():
            relying = await public_posts_needing_alt(pk)
            if relying:
                raise UserError(
                    f"`details.alt` cannot be emptied: {usage.describe(relying)}, published "
                    f"or scheduled, {'relies' if len(relying) == 1 else 'rely'} on it. Give "
                    "the image other alt text, or take it off "
                    f"{'that post' if len(relying) == 1 else 'those posts'} first.",
                    argument="details.alt",
                )
        moved = (wanted.focal_x, wanted.focal_y) != (current.focal_x, current.focal_y)
        asset.update_from_dict(wanted.__dict__)
        if moved:
            asset.version += 1
        await asset.save()
        if moved:
            # Storage keeps the current version's renditions only: served without the
            # database (kept.py), an old URL then finds no file and is redirected.
            await usage.forget_version(info.context, asset.original_key, asset.version - 1)
        changed = {
            name: value
            for name, value in wanted.__dict__.items()
            if value != getattr(current, name)
        }
        if changed:
            events = await usage.changed_owners(pk, changed)
            await dispatch_content_events(info.context.plugin_manager, events)
        return await image_of(pk)

    @strawberry.mutation(
        permission_classes=[RequireScope(WRITE)],
        description="Delete an image no post, person or section shows; returns its id.",
    )
    async def delete_image(self, info: Info, id: relay.GlobalID) -> relay.GlobalID:
        pk = image_pk(id, "id")
        asset = await Asset.get_or_none(id=pk)
        if asset is None:
            raise UserError(f"There is no image with the id {id}.", argument="id")
        uses = await usage.where_used(pk)
        if uses:
            raise UserError(
                f"The image is still shown: {usage.describe(uses)}. Set another image there "
                "first, or none.",
                argument="id",
            )
        try:
            await asset.delete()
        except IntegrityError as error:  # shown somewhere since the check above
            uses = await usage.where_used(pk)
            raise UserError(
                f"The image is still shown: {usage.describe(uses)}.", argument="id"
            ) from error
        await usage.forget_files(info.context, asset.original_key)
        return id
