"""Where images are shown: a post's featured and social images, a person's photo, a section's
image.

Each place is one table of the plugin's own with one row per owner; the same description
drives the loader, the mutation and the deletion check.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.models import Model

from hub import EventKind, Person, Post, Section
from hub_media.models import PersonPhoto, PostImage, PostSocialImage, SectionImage


@dataclass(frozen=True)
class Placement:
    type_name: str  # the core GraphQL type, whose node ids the mutation takes
    owner_model: type[Model]
    model: type[Model]
    owner: str  # the owner's foreign key field on ``model``
    label_field: str  # what names an owner in messages (its title or name)
    event: EventKind
    loader: str
    field: str  # the field the plugin adds to the owner's type
    group: str  # the key of ``shown_on`` in ``hub media export`` files

    @property
    def owner_id(self) -> str:
        return f"{self.owner}_id"


POST = Placement(
    "Post",
    Post,
    PostImage,
    "post",
    "title",
    EventKind.POST_UPDATED,
    "media_post_images",
    "featuredImage",
    "posts",
)
#: The image link previews show (``Post.seo.image``); without one, the featured image.
SOCIAL = Placement(
    "Post",
    Post,
    PostSocialImage,
    "post",
    "title",
    EventKind.POST_UPDATED,
    "media_post_social_images",
    "socialImage",
    "post_social_images",
)
PERSON = Placement(
    "Person",
    Person,
    PersonPhoto,
    "person",
    "name",
    EventKind.PERSON_CHANGED,
    "media_person_photos",
    "photo",
    "people",
)
SECTION = Placement(
    "Section",
    Section,
    SectionImage,
    "section",
    "name",
    EventKind.SECTION_CHANGED,
    "media_section_images",
    "image",
    "sections",
)
PLACEMENTS = (POST, SOCIAL, PERSON, SECTION)
