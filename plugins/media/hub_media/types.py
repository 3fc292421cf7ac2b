"""GraphQL types of the media plugin: ``Image`` and what it is made of."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeAlias

import strawberry
from strawberry import relay

from hub import Info, nodes_by_pk, ref

if TYPE_CHECKING:
    ImageRef: TypeAlias = "ImageType"
else:
    # The schema composes "Image" from this body and other plugins' extensions: refer by name.
    ImageRef = ref("Image")

ASSET_FIELDS = (
    "id", "original_key", "content_type", "byte_size", "width", "height", "alt", "caption",
    "credit", "licence", "focal_x", "focal_y", "dominant_color", "blurhash", "version",
    "created_at",
)  # fmt: skip


@strawberry.type(description="The point crops keep in view, as fractions from the top left.")
class FocalPoint:
    x: float = strawberry.field(description="0 is the left edge, 1 the right.")
    y: float = strawberry.field(description="0 is the top edge, 1 the bottom.")


@strawberry.type(description="What to show while the image loads.")
class ImagePlaceholder:
    color: str = strawberry.field(description="The image's dominant colour, as #rrggbb.")
    blurhash: str = strawberry.field(
        description="A BlurHash (4x3 components): a blurred preview in about 30 characters."
    )


@strawberry.type(
    name="Image",
    description=(
        "An image in the media library. Ask for `url` or `srcset` at the sizes your layout "
        "needs: the hub makes each rendition once, on its first request."
    ),
)
class ImageType(relay.Node):
    id: relay.NodeID[int]
    width: int = strawberry.field(description="Width of the original in pixels, as shown.")
    height: int = strawberry.field(description="Height of the original in pixels, as shown.")
    content_type: str = strawberry.field(description="The original's media type (image/jpeg).")
    byte_size: int = strawberry.field(description="Size of the original in bytes.")
    alt: str = strawberry.field(
        description="Text alternative for `<img alt>`; empty for a decorative image."
    )
    caption: str
    credit: str = strawberry.field(description="Who made it (photographer, agency).")
    licence: str = strawberry.field(description="Under which terms it may be used (CC BY 4.0).")
    focal_point: FocalPoint
    placeholder: ImagePlaceholder
    created_at: datetime
    original_key: strawberry.Private[str]
    version: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ImageType:
        return cls(
            id=row["id"],
            width=row["width"],
            height=row["height"],
            content_type=row["content_type"],
            byte_size=row["byte_size"],
            alt=row["alt"],
            caption=row["caption"],
            credit=row["credit"],
            licence=row["licence"],
            focal_point=FocalPoint(x=row["focal_x"], y=row["focal_y"]),
            placeholder=ImagePlaceholder(color=row["dominant_color"], blurhash=row["blurhash"]),
            created_at=row["created_at"],
            original_key=row["original_key"],
            version=row["version"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ImageType | None]:
        images: list[ImageType | None] = await nodes_by_pk(
            info, "media_images_by_id", node_ids, required
        )
        return images
