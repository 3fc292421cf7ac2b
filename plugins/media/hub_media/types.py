"""GraphQL types of the media plugin: ``Image`` and what it is made of."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeAlias

import strawberry
from strawberry import relay

from hub import Info, Settings, UserError, nodes_by_pk, ref
from hub_media.renditions import DEFAULT_EXTENSION, FORMATS, Fit, planned
from hub_media.settings import MediaSettings
from hub_media.urls import rendition_url

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


MAX_SRCSET_WIDTHS = 12


@strawberry.enum(description="How a rendition of another shape than the original is made.")
class ImageFit(Enum):
    COVER = strawberry.enum_value(
        "cover", description="Fill the size, cropping around the focal point."
    )
    CONTAIN = strawberry.enum_value(
        "contain", description="Show all of the image within the size (one side may be smaller)."
    )


@strawberry.enum(description="The file format of a rendition.")
class ImageFormat(Enum):
    JPEG = "jpg"
    PNG = "png"
    WEBP = "webp"
    AVIF = strawberry.enum_value("avif", description="Where the hub's Pillow can write it.")


def checked_size(argument: str, value: int | None, limit: int) -> None:
    if value is not None and not 1 <= value <= limit:
        raise UserError(
            f"`{argument}` must be between 1 and {limit} pixels, not {value}.", argument=argument
        )


def extension_for(format: ImageFormat | None, content_type: str) -> str:
    if format is None:
        return DEFAULT_EXTENSION.get(content_type, "jpg")
    if format.value not in FORMATS:
        raise UserError(
            f"This hub cannot write {format.name} images; ask for one of "
            f"{', '.join(f.name for f in ImageFormat if f.value in FORMATS)}.",
            argument="format",
        )
    extension: str = format.value
    return extension


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

    @strawberry.field(
        description=(
            "A signed URL of this image at `width` and/or `height` pixels (never larger than "
            "the original: a smaller copy of the asked shape instead). With both, `fit: COVER` "
            "crops around the focal point. Format: the original's kind unless asked."
        )
    )
    def url(
        self,
        info: Info,
        width: int | None = None,
        height: int | None = None,
        fit: ImageFit = ImageFit.COVER,
        format: ImageFormat | None = None,
    ) -> str:
        return self.signed_url(info.context.settings, width, height, fit, format)

    def signed_url(
        self,
        settings: Settings,
        width: int | None = None,
        height: int | None = None,
        fit: ImageFit = ImageFit.COVER,
        format: ImageFormat | None = None,
    ) -> str:
        """What ``url`` answers; without a size, the original's (within the rendition limit)."""
        limit = MediaSettings.of(settings).max_rendition_size
        checked_size("width", width, limit)
        checked_size("height", height, limit)
        extension = extension_for(format, self.content_type)
        spec = planned((self.width, self.height), width, height, Fit(fit.value), extension, limit)
        return rendition_url(settings, self.id, self.version, spec)

    @strawberry.field(
        description=(
            "For `<img srcset>`: a signed URL per width with its `w` descriptor, widths past "
            "the original's left out. With `aspectRatio` (width / height: 1.5 for 3:2) each is "
            "cropped to that shape around the focal point."
        )
    )
    def srcset(
        self,
        info: Info,
        widths: list[int],
        format: ImageFormat | None = None,
        aspect_ratio: float | None = None,
    ) -> str:
        settings = info.context.settings
        limit = MediaSettings.of(settings).max_rendition_size
        if not 1 <= len(widths) <= MAX_SRCSET_WIDTHS:
            raise UserError(
                f"`widths` must list 1 to {MAX_SRCSET_WIDTHS} widths.", argument="widths"
            )
        for width in widths:
            checked_size("widths", width, limit)
        if aspect_ratio is not None and not 0.1 <= aspect_ratio <= 10:
            raise UserError("`aspectRatio` must be between 0.1 and 10.", argument="aspectRatio")
        extension = extension_for(format, self.content_type)
        candidates = self.candidates(settings, widths, extension, aspect_ratio)
        return ", ".join(f"{url} {width}w" for width, url in candidates.items())

    def candidates(
        self, settings: Settings, widths: list[int], extension: str, aspect_ratio: float | None
    ) -> dict[int, str]:
        """Width → signed URL for each of ``widths`` (checked), those past the original as one."""
        limit = MediaSettings.of(settings).max_rendition_size
        candidates: dict[int, str] = {}
        for width in sorted(widths):
            height = None if aspect_ratio is None else max(1, round(width / aspect_ratio))
            spec = planned((self.width, self.height), width, height, Fit.COVER, extension, limit)
            candidates.setdefault(spec.width, rendition_url(settings, self.id, self.version, spec))
        return candidates
