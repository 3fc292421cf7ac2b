"""The inputs of the content mutations (fields left ``UNSET`` in an update stay as they are).

Written by hand in this step; generating them from the declarations is the next
(``docs/content-types.md``). Their values are checked by the declarations' validation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

UNSET: Any = strawberry.UNSET


@strawberry.input(description="A new post, saved as a draft.")
class CreatePostInput:
    slug: str
    title: str
    excerpt: str = ""
    body: str = strawberry.field(default="", description="HTML; sanitised before it is stored.")
    language: str = "en"
    authors: list[relay.GlobalID] = strawberry.field(default_factory=list)
    themes: list[relay.GlobalID] = strawberry.field(default_factory=list)
    sections: list[relay.GlobalID] = strawberry.field(default_factory=list)


@strawberry.input(description="Changes to a post: fields left out stay as they are.")
class UpdatePostInput:
    id: relay.GlobalID
    version: int = strawberry.field(description="The version you read (`Post.version`).")
    slug: str | None = UNSET
    title: str | None = UNSET
    excerpt: str | None = UNSET
    body: str | None = UNSET
    language: str | None = UNSET
    authors: list[relay.GlobalID] | None = UNSET
    themes: list[relay.GlobalID] | None = UNSET
    sections: list[relay.GlobalID] | None = UNSET


@strawberry.input(description="Publish a post now, or backdated to `publishedAt`.")
class PublishPostInput:
    id: relay.GlobalID
    version: int
    published_at: datetime | None = strawberry.field(
        default=None,
        description="A past moment; default: the post's earlier publication date, else now.",
    )


@strawberry.input(description="Turn a published or scheduled post back into a draft.")
class UnpublishPostInput:
    id: relay.GlobalID
    version: int


@strawberry.input(description="Publish a post by itself at a future moment.")
class SchedulePostInput:
    id: relay.GlobalID
    version: int
    publish_at: datetime


@strawberry.input(description="Delete an object, at the version you read.")
class DeleteInput:
    id: relay.GlobalID
    version: int


@strawberry.input(description="A new person.")
class CreatePersonInput:
    slug: str
    name: str
    role: str = ""
    bio: str = ""
    photo_url: str | None = None
    section: relay.GlobalID | None = None
    board_order: int | None = None


@strawberry.input(description="Changes to a person: fields left out stay as they are.")
class UpdatePersonInput:
    id: relay.GlobalID
    version: int
    slug: str | None = UNSET
    name: str | None = UNSET
    role: str | None = UNSET
    bio: str | None = UNSET
    photo_url: str | None = UNSET
    section: relay.GlobalID | None = UNSET
    board_order: int | None = UNSET


@strawberry.input(description="A new section.")
class CreateSectionInput:
    slug: str
    name: str
    country_code: str
    description: str = ""
    founded_year: int | None = None
    website: str | None = None


@strawberry.input(description="Changes to a section: fields left out stay as they are.")
class UpdateSectionInput:
    id: relay.GlobalID
    version: int
    slug: str | None = UNSET
    name: str | None = UNSET
    country_code: str | None = UNSET
    description: str | None = UNSET
    founded_year: int | None = UNSET
    website: str | None = UNSET


@strawberry.input(description="A new theme.")
class CreateThemeInput:
    slug: str
    name: str
    description: str = ""


@strawberry.input(description="Changes to a theme: fields left out stay as they are.")
class UpdateThemeInput:
    id: relay.GlobalID
    version: int
    slug: str | None = UNSET
    name: str | None = UNSET
    description: str | None = UNSET
