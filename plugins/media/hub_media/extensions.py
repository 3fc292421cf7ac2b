"""The fields the media plugin adds to the core's ``Post``, ``PostSeo``, ``Person`` and
``Section``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry

from hub import Info, PersonRef, PostRef, SectionRef, UserError
from hub_media.body import body_images, with_renditions
from hub_media.placements import PERSON, POST, SECTION, SOCIAL
from hub_media.settings import MediaSettings
from hub_media.types import (
    MAX_SRCSET_WIDTHS,
    ImageFormat,
    ImageRef,
    ImageType,
    checked_size,
    extension_for,
)
from hub_media.urls import absolute

BODY_WIDTHS = (400, 800, 1200)
BODY_SIZES = "(max-width: 800px) 100vw, 800px"
MAX_SIZES_LENGTH = 300


async def post_featured_image(root: PostRef, info: Info) -> ImageRef | None:
    image: ImageRef | None = await info.context.loaders[POST.loader].load(root.id)
    return image


async def post_social_image(root: Any, info: Info) -> ImageRef | None:
    # ``root`` is the post's PostSeo, whose ``id`` is the post's: its social image, else its
    # featured image. Each is one statement for a page of posts, the second only if needed.
    image: ImageRef | None = await info.context.loaders[SOCIAL.loader].load(root.id)
    if image is None:
        image = await info.context.loaders[POST.loader].load(root.id)
    return image


async def person_photo(root: PersonRef, info: Info) -> ImageRef | None:
    image: ImageRef | None = await info.context.loaders[PERSON.loader].load(root.id)
    return image


async def person_photo_url(root: PersonRef, info: Info, stored: str | None) -> str | None:
    """The core's deprecated ``Person.photoUrl`` (``register_field_resolvers``): the library
    photo at the original's size, the rendition ``photo { url }`` names, as an absolute URL like
    the free-text ones it replaces; without a library photo, the URL stored. One statement for
    a page of people, shared with ``photo``."""
    image: ImageRef | None = await info.context.loaders[PERSON.loader].load(root.id)
    if image is None:
        return stored
    return absolute(image.signed_url(info.context.settings), info.context.request)


async def section_image(root: SectionRef, info: Info) -> ImageRef | None:
    image: ImageRef | None = await info.context.loaders[SECTION.loader].load(root.id)
    return image


async def post_body_with_images(
    root: PostRef,
    info: Info,
    widths: list[int] | None = None,
    sizes: str = BODY_SIZES,
    format: ImageFormat | None = None,
) -> str:
    body: str = root.body_html
    shown = sorted({image.asset_id for image in body_images(body) if image.asset_id is not None})
    settings = info.context.settings
    wanted = list(widths or BODY_WIDTHS)
    if not 1 <= len(wanted) <= MAX_SRCSET_WIDTHS:
        raise UserError(f"`widths` must list 1 to {MAX_SRCSET_WIDTHS} widths.", argument="widths")
    for width in wanted:
        checked_size("widths", width, MediaSettings.of(settings).max_rendition_size)
    if len(sizes) > MAX_SIZES_LENGTH:
        raise UserError(
            f"`sizes` is {len(sizes)} characters long; at most {MAX_SIZES_LENGTH}.",
            argument="sizes",
        )
    if not shown:
        return body
    loaded: list[ImageType | None] = await info.context.loaders["media_images_by_id"].load_many(
        shown
    )
    library = {image.id: image for image in loaded if image is not None}

    def render(asset_id: int, attributes: Mapping[str, str]) -> dict[str, str] | None:
        image = library.get(asset_id)
        if image is None:
            return None  # deleted since: the tag stays as written (its URL answers 404)
        extension = extension_for(format, image.content_type)
        candidates = image.candidates(settings, wanted, extension, None)
        largest = max(candidates)
        rendered = {
            "src": candidates[largest],
            "srcset": ", ".join(f"{url} {width}w" for width, url in candidates.items()),
            "sizes": sizes,
            "width": str(largest),
            "height": str(max(1, round(largest * image.height / image.width))),
            "alt": attributes.get("alt") or image.alt,
        }
        if attributes.get("title"):
            rendered["title"] = attributes["title"]
        return {**rendered, "loading": "lazy", "decoding": "async"}

    return with_renditions(body, render)


@strawberry.type
class PostImageFields:
    featured_image: ImageRef | None = strawberry.field(
        resolver=post_featured_image,
        description="The image shown with the post in lists and at the top of its page.",
    )
    body_with_images: str = strawberry.field(
        resolver=post_body_with_images,
        description=(
            "The body as sanitised HTML, each media-library image in it (`<img "
            'src="/media/12">`) given `srcset` at `widths` (default 400, 800, 1200), `sizes`, '
            "`width`/`height` (no layout shift), the library's alt text when the body has "
            "none, and lazy loading. Made when asked, so it follows the library's alt text "
            "and focal point; one SQL statement for a page of posts."
        ),
    )


@strawberry.type
class PostSeoImageFields:
    image: ImageRef | None = strawberry.field(
        resolver=post_social_image,
        description="For `og:image` and `twitter:image`: the post's social image "
        "(`setSocialImage`), else its featured image, else null. Ask `url(width: 1200, "
        "height: 630)` for the 1.91:1 card most sites show.",
    )


@strawberry.type
class PersonImageFields:
    photo: ImageRef | None = strawberry.field(
        resolver=person_photo, description="The person's photo from the media library."
    )


@strawberry.type
class SectionImageFields:
    image: ImageRef | None = strawberry.field(
        resolver=section_image, description="The section's image (a banner, a group photo)."
    )
