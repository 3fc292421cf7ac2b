"""What the content mutations answer: the changed object, or the errors that refused it."""

from __future__ import annotations

import strawberry
from strawberry import relay

from hub.content.field_errors import FieldError
from hub.graphql.refs import PersonRef, PostRef, SectionRef, ThemeRef


@strawberry.type
class CreatePostPayload:
    post: PostRef | None
    errors: list[FieldError]


@strawberry.type
class UpdatePostPayload:
    post: PostRef | None
    errors: list[FieldError]


@strawberry.type
class PublishPostPayload:
    post: PostRef | None
    errors: list[FieldError]


@strawberry.type
class UnpublishPostPayload:
    post: PostRef | None
    errors: list[FieldError]


@strawberry.type
class SchedulePostPayload:
    post: PostRef | None
    errors: list[FieldError]


@strawberry.type
class CreatePersonPayload:
    person: PersonRef | None
    errors: list[FieldError]


@strawberry.type
class UpdatePersonPayload:
    person: PersonRef | None
    errors: list[FieldError]


@strawberry.type
class CreateSectionPayload:
    section: SectionRef | None
    errors: list[FieldError]


@strawberry.type
class UpdateSectionPayload:
    section: SectionRef | None
    errors: list[FieldError]


@strawberry.type
class CreateThemePayload:
    theme: ThemeRef | None
    errors: list[FieldError]


@strawberry.type
class UpdateThemePayload:
    theme: ThemeRef | None
    errors: list[FieldError]


@strawberry.type(description="What a delete did: the ID of the object that is gone.")
class DeletePayload:
    deleted_id: relay.GlobalID | None
    errors: list[FieldError]
