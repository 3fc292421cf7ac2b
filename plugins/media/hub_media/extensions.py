"""The fields the media plugin adds to the core's ``Post``, ``Person`` and ``Section``."""

from __future__ import annotations

import strawberry

from hub import Info, PersonRef, PostRef, SectionRef
from hub_media.placements import PERSON, POST, SECTION
from hub_media.types import ImageRef


async def post_featured_image(root: PostRef, info: Info) -> ImageRef | None:
    image: ImageRef | None = await info.context.loaders[POST.loader].load(root.id)
    return image


async def person_photo(root: PersonRef, info: Info) -> ImageRef | None:
    image: ImageRef | None = await info.context.loaders[PERSON.loader].load(root.id)
    return image


async def section_image(root: SectionRef, info: Info) -> ImageRef | None:
    image: ImageRef | None = await info.context.loaders[SECTION.loader].load(root.id)
    return image


@strawberry.type
class PostImageFields:
    featured_image: ImageRef | None = strawberry.field(
        resolver=post_featured_image,
        description="The image shown with the post in lists and at the top of its page.",
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
