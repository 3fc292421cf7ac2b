"""Root mutation fields of the core content: create, update and delete posts, people, sections
and themes, and publish, unpublish or schedule posts.

Every mutation answers with a payload: the changed object, or ``errors`` naming each input
field that was refused (then nothing was written). Updates and deletes carry the ``version``
the client read; when someone changed the object since, the answer is a ``CONFLICT`` error
instead of silently overwriting their work. The checks live in :mod:`hub.content.editing`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader

from hub.access.permissions import RequireScope
from hub.access.scopes import PUBLISH, WRITE, WRITE_OWN
from hub.content import editing
from hub.content.editing import (
    PERSON,
    POST,
    POST_LINKS,
    SECTION,
    THEME,
    Change,
    ErrorCode,
    FieldError,
    Kind,
    Problems,
    Refused,
)
from hub.content.models import PostStatus
from hub.errors import UserError
from hub.graphql.context import Context, Info, LoaderFactory
from hub.graphql.refs import PersonRef, PostRef, SectionRef, ThemeRef

UNSET: Any = strawberry.UNSET
WRITERS = RequireScope(WRITE, WRITE_OWN)
EDITORS = RequireScope(WRITE)
PUBLISHERS = RequireScope(PUBLISH)


# --- inputs -------------------------------------------------------------------------------


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


# --- payloads -----------------------------------------------------------------------------


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


# --- helpers ------------------------------------------------------------------------------


def input_values(data: object, skip: Sequence[str] = ()) -> dict[str, Any]:
    skipped = {"id", "version", *POST_LINKS, "section", *skip}
    return editing.given(
        {f.name: getattr(data, f.name) for f in dataclasses.fields(data) if f.name not in skipped}  # type: ignore[arg-type]
    )


async def post_links(data: object, problems: Problems) -> dict[str, list[int]]:
    links: dict[str, list[int]] = {}
    for name, (_, _, kind) in POST_LINKS.items():
        global_ids = getattr(data, name)
        if global_ids is not UNSET:
            if global_ids is None:
                problems.add(name, f"{name} cannot be null; send [] for none.", ErrorCode.REQUIRED)
                continue
            links[name] = await editing.existing_ids(global_ids, kind, name, problems)
    return links


async def person_section(data: object, problems: Problems) -> dict[str, Any]:
    section = data.section  # type: ignore[attr-defined]
    if section is UNSET:
        return {}
    if section is None:
        return {"section_id": None}
    found = await editing.existing_ids([section], SECTION, "section", problems)
    return {"section_id": found[0]} if found else {}


def target(global_id: relay.GlobalID, kind: Kind, problems: Problems) -> int:
    pk = editing.decode_id(global_id, kind, "id", problems)
    problems.raise_if_any()
    assert pk is not None
    return pk


def aware(moment: datetime, label: str, problems: Problems) -> datetime:
    if moment.tzinfo is None:
        problems.add(label, f"{label} needs a time zone, such as 2030-05-01T09:00:00Z.")
    return moment


async def attempt(change: Awaitable[Change], context: Context) -> tuple[Any, list[FieldError]]:
    """Run a change; its row on success (after telling plugins), else the refusal's errors."""
    try:
        done = await change
    except Refused as refused:
        return None, refused.errors
    await editing.announce(context, done)
    return done.row, []


def credit_author(context: Context, links: dict[str, list[int]]) -> None:
    """An author's new draft credits their own person, so they may keep editing it."""
    if context.has_scope(WRITE):
        return
    person_id = getattr(context.actor, "person_id", None)
    if person_id is None:
        raise UserError(
            "Your account is not linked to a person, so drafts you write could not be credited "
            "to you: ask an administrator to link it (`hub users create --person`).",
            code="FORBIDDEN",
        )
    authors = links.get("authors", [])
    links["authors"] = [person_id, *(pk for pk in authors if pk != person_id)]


def make(kind: Kind, row: Mapping[str, Any] | None) -> Any:
    return kind.make(dict(row)) if row is not None else None


def deleted_id(kind: Kind, pk: int | None) -> relay.GlobalID | None:
    return relay.GlobalID(kind.type_name, str(pk)) if pk is not None else None


# --- the root fields ----------------------------------------------------------------------


@strawberry.type
class ContentMutations:
    @strawberry.mutation(
        description="Create a draft post. Authors' drafts credit their own person.",
        permission_classes=[WRITERS],
    )
    async def create_post(self, info: Info, input: CreatePostInput) -> CreatePostPayload:
        problems = Problems()
        columns = editing.clean_columns(POST, input_values(input), problems)
        links = await post_links(input, problems)
        credit_author(info.context, links)
        if problems.errors:
            return CreatePostPayload(post=None, errors=problems.errors)
        row, errors = await attempt(
            editing.create(info.context, POST, columns, links), info.context
        )
        return CreatePostPayload(post=make(POST, row), errors=errors)

    @strawberry.mutation(
        description="Change a post. Authors may change only their own drafts.",
        permission_classes=[WRITERS],
    )
    async def update_post(self, info: Info, input: UpdatePostInput) -> UpdatePostPayload:
        problems = Problems()
        try:
            pk = target(input.id, POST, problems)
        except Refused as refused:
            return UpdatePostPayload(post=None, errors=refused.errors)
        columns = editing.clean_columns(POST, input_values(input), problems)
        links = await post_links(input, problems)
        if problems.errors:
            return UpdatePostPayload(post=None, errors=problems.errors)
        row, errors = await attempt(
            editing.update(
                info.context, POST, pk, input.version, columns, links,
                guard=editing.ensure_may_edit_post,
            ),
            info.context,
        )  # fmt: skip
        return UpdatePostPayload(post=make(POST, row), errors=errors)

    @strawberry.mutation(
        description="Delete a post. Authors may delete only their own drafts.",
        permission_classes=[WRITERS],
    )
    async def delete_post(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await _delete(info, POST, input, guard=editing.ensure_may_edit_post)

    @strawberry.mutation(description="Publish a post now.", permission_classes=[PUBLISHERS])
    async def publish_post(self, info: Info, input: PublishPostInput) -> PublishPostPayload:
        problems = Problems()
        now = info.context.now
        moment = input.published_at
        if moment is not None and aware(moment, "publishedAt", problems) > now:
            problems.add("publishedAt", "publishedAt is in the future: use schedulePost.")
        row, errors = await _change_status(info, input, problems, PostStatus.PUBLISHED, moment)
        return PublishPostPayload(post=make(POST, row), errors=errors)

    @strawberry.mutation(
        description="Turn a post back into a draft.", permission_classes=[PUBLISHERS]
    )
    async def unpublish_post(self, info: Info, input: UnpublishPostInput) -> UnpublishPostPayload:
        row, errors = await _change_status(info, input, Problems(), PostStatus.DRAFT, None)
        return UnpublishPostPayload(post=make(POST, row), errors=errors)

    @strawberry.mutation(
        description="Publish a post by itself at `publishAt` (no job needed).",
        permission_classes=[PUBLISHERS],
    )
    async def schedule_post(self, info: Info, input: SchedulePostInput) -> SchedulePostPayload:
        problems = Problems()
        if aware(input.publish_at, "publishAt", problems) <= info.context.now:
            problems.add("publishAt", "publishAt must be in the future: use publishPost.")
        row, errors = await _change_status(
            info, input, problems, PostStatus.SCHEDULED, input.publish_at
        )
        return SchedulePostPayload(post=make(POST, row), errors=errors)

    @strawberry.mutation(description="Create a person.", permission_classes=[EDITORS])
    async def create_person(self, info: Info, input: CreatePersonInput) -> CreatePersonPayload:
        row, errors = await _create(info, PERSON, input)
        return CreatePersonPayload(person=make(PERSON, row), errors=errors)

    @strawberry.mutation(description="Change a person.", permission_classes=[EDITORS])
    async def update_person(self, info: Info, input: UpdatePersonInput) -> UpdatePersonPayload:
        row, errors = await _update(info, PERSON, input)
        return UpdatePersonPayload(person=make(PERSON, row), errors=errors)

    @strawberry.mutation(
        description="Delete a person; their authorships go with them.",
        permission_classes=[EDITORS],
    )
    async def delete_person(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await _delete(info, PERSON, input)

    @strawberry.mutation(description="Create a section.", permission_classes=[EDITORS])
    async def create_section(self, info: Info, input: CreateSectionInput) -> CreateSectionPayload:
        row, errors = await _create(info, SECTION, input)
        return CreateSectionPayload(section=make(SECTION, row), errors=errors)

    @strawberry.mutation(description="Change a section.", permission_classes=[EDITORS])
    async def update_section(self, info: Info, input: UpdateSectionInput) -> UpdateSectionPayload:
        row, errors = await _update(info, SECTION, input)
        return UpdateSectionPayload(section=make(SECTION, row), errors=errors)

    @strawberry.mutation(
        description="Delete a section; its people stay, without a section.",
        permission_classes=[EDITORS],
    )
    async def delete_section(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await _delete(info, SECTION, input)

    @strawberry.mutation(description="Create a theme.", permission_classes=[EDITORS])
    async def create_theme(self, info: Info, input: CreateThemeInput) -> CreateThemePayload:
        row, errors = await _create(info, THEME, input)
        return CreateThemePayload(theme=make(THEME, row), errors=errors)

    @strawberry.mutation(description="Change a theme.", permission_classes=[EDITORS])
    async def update_theme(self, info: Info, input: UpdateThemeInput) -> UpdateThemePayload:
        row, errors = await _update(info, THEME, input)
        return UpdateThemePayload(theme=make(THEME, row), errors=errors)

    @strawberry.mutation(description="Delete a theme.", permission_classes=[EDITORS])
    async def delete_theme(self, info: Info, input: DeleteInput) -> DeletePayload:
        return await _delete(info, THEME, input)


async def _create(
    info: Info, kind: Kind, data: Any
) -> tuple[dict[str, Any] | None, list[FieldError]]:
    """Check ``data`` field by field and create the row, for people, sections and themes."""
    problems = Problems()
    columns = editing.clean_columns(kind, input_values(data), problems)
    if kind is PERSON:
        columns.update(await person_section(data, problems))
    if problems.errors:
        return None, problems.errors
    return await attempt(editing.create(info.context, kind, columns), info.context)


async def _update(
    info: Info, kind: Kind, data: Any
) -> tuple[dict[str, Any] | None, list[FieldError]]:
    problems = Problems()
    try:
        pk = target(data.id, kind, problems)
    except Refused as refused:
        return None, refused.errors
    columns = editing.clean_columns(kind, input_values(data), problems)
    if kind is PERSON:
        columns.update(await person_section(data, problems))
    if problems.errors:
        return None, problems.errors
    return await attempt(
        editing.update(info.context, kind, pk, data.version, columns), info.context
    )


async def _delete(
    info: Info, kind: Kind, data: DeleteInput, guard: editing.Guard | None = None
) -> DeletePayload:
    problems = Problems()
    try:
        pk = target(data.id, kind, problems)
    except Refused as refused:
        return DeletePayload(deleted_id=None, errors=refused.errors)
    _, errors = await attempt(
        editing.delete(info.context, kind, pk, data.version, guard), info.context
    )
    return DeletePayload(deleted_id=None if errors else deleted_id(kind, pk), errors=errors)


async def _change_status(
    info: Info,
    data: PublishPostInput | UnpublishPostInput | SchedulePostInput,
    problems: Problems,
    status: PostStatus,
    moment: datetime | None,
) -> tuple[dict[str, Any] | None, list[FieldError]]:
    try:
        pk = target(data.id, POST, problems)
    except Refused as refused:
        return None, refused.errors
    if problems.errors:
        return None, problems.errors
    now = info.context.now

    # Runs inside the transaction on the row as it is, before ``columns`` are written.
    async def guard(context: Context, post: Mapping[str, Any]) -> None:
        if status is PostStatus.DRAFT and post["status"] == PostStatus.DRAFT:
            raise Refused([FieldError(field="id", message="This post is a draft already.",
                                      code=ErrorCode.INVALID)])  # fmt: skip
        if status is PostStatus.PUBLISHED and moment is None:
            earlier = post["published_at"]
            # Publishing again keeps the first publication date; a scheduled one starts now.
            columns["published_at"] = earlier if earlier is not None and earlier <= now else now

    columns: dict[str, Any] = {"status": status}
    if moment is not None:
        columns["published_at"] = moment.astimezone(UTC)
    action = {"draft": "unpublish", "published": "publish", "scheduled": "schedule"}[status.value]
    return await attempt(
        editing.update(info.context, POST, pk, data.version, columns, guard=guard, action=action),
        info.context,
    )


# --- the version every object carries, for optimistic concurrency ----------------------------


def _version_loader(kind: Kind) -> LoaderFactory:
    async def load(ids: Sequence[int]) -> list[int | None]:
        rows = await kind.model.filter(id__in=list(ids)).values_list("id", "version")
        versions = dict(rows)
        return [versions.get(pk) for pk in ids]

    return lambda _context: DataLoader(load_fn=load)


VERSION_DESCRIPTION = (
    "Goes up with every change. Send it with an update or delete: if someone changed the object "
    "since you read it, you get a CONFLICT error instead of overwriting their work."
)


async def _version(root: Any, info: Info, loader: str) -> int:
    version: int | None = await info.context.loaders[loader].load(root.id)
    if version is None:
        raise UserError("This object was deleted meanwhile.", code="NOT_FOUND")
    return version


@strawberry.type
class PostVersion:
    @strawberry.field(description=VERSION_DESCRIPTION)
    async def version(self, info: Info) -> int:
        return await _version(self, info, "post_version")


@strawberry.type
class PersonVersion:
    @strawberry.field(description=VERSION_DESCRIPTION)
    async def version(self, info: Info) -> int:
        return await _version(self, info, "person_version")


@strawberry.type
class SectionVersion:
    @strawberry.field(description=VERSION_DESCRIPTION)
    async def version(self, info: Info) -> int:
        return await _version(self, info, "section_version")


@strawberry.type
class ThemeVersion:
    @strawberry.field(description=VERSION_DESCRIPTION)
    async def version(self, info: Info) -> int:
        return await _version(self, info, "theme_version")


VERSION_FIELDS: Mapping[str, Sequence[type]] = {
    "Post": [PostVersion],
    "Person": [PersonVersion],
    "Section": [SectionVersion],
    "Theme": [ThemeVersion],
}

VERSION_LOADERS: Mapping[str, LoaderFactory] = {
    "post_version": _version_loader(POST),
    "person_version": _version_loader(PERSON),
    "section_version": _version_loader(SECTION),
    "theme_version": _version_loader(THEME),
}
