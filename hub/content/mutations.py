"""Root mutation fields of the core content: create, update and delete posts, people, sections
and themes, and publish, unpublish or schedule posts.

Every mutation answers with a payload: the changed object, or ``errors`` naming each input
field that was refused (then nothing was written). Updates and deletes carry the ``version``
the client read; when someone changed the object since, the answer is a ``CONFLICT`` error
instead of silently overwriting their work. The checks live in :mod:`hub.content.editing`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Mapping
from datetime import UTC, datetime
from typing import Any

import strawberry
from strawberry import relay

from hub.access.permissions import RequireScope
from hub.access.scopes import PUBLISH, WRITE, WRITE_OWN
from hub.content import edit_input, editing
from hub.content.declarations import ColumnKind
from hub.content.editing import KINDS, PERSON, POST, SECTION, THEME, Change, Kind
from hub.content.field_errors import ErrorCode, FieldError, Problems, Refused
from hub.content.models import PostStatus
from hub.content.mutation_inputs import (
    CreatePersonInput,
    CreatePostInput,
    CreateSectionInput,
    CreateThemeInput,
    DeleteInput,
    PublishPostInput,
    SchedulePostInput,
    UnpublishPostInput,
    UpdatePersonInput,
    UpdatePostInput,
    UpdateSectionInput,
    UpdateThemeInput,
)
from hub.content.payloads import (
    CreatePersonPayload,
    CreatePostPayload,
    CreateSectionPayload,
    CreateThemePayload,
    DeletePayload,
    PublishPostPayload,
    SchedulePostPayload,
    UnpublishPostPayload,
    UpdatePersonPayload,
    UpdatePostPayload,
    UpdateSectionPayload,
    UpdateThemePayload,
)
from hub.content.versions import VERSION_FIELDS, VERSION_LOADERS
from hub.errors import UserError
from hub.graphql.context import Context, Info

__all__ = ["VERSION_FIELDS", "VERSION_LOADERS", "ContentMutations"]

UNSET: Any = strawberry.UNSET
WRITERS = RequireScope(WRITE, WRITE_OWN)
EDITORS = RequireScope(WRITE)
PUBLISHERS = RequireScope(PUBLISH)


# --- helpers ------------------------------------------------------------------------------


def input_values(kind: Kind, data: object) -> dict[str, Any]:
    """The declared field values the client sent; links and references are read apart."""
    apart = {"id", "version", *kind.declared.links, *_references(kind)}
    return edit_input.given(
        {f.name: getattr(data, f.name) for f in dataclasses.fields(data) if f.name not in apart}  # type: ignore[arg-type]
    )


def _references(kind: Kind) -> list[str]:
    return [spec.name for spec in kind.declared.writable if spec.kind is ColumnKind.FOREIGN_KEY]


async def links_given(kind: Kind, data: object, problems: Problems) -> dict[str, list[int]]:
    """The row ids of each link list sent (a post's authors, ...), checked to exist."""
    links: dict[str, list[int]] = {}
    for name, link in kind.declared.links.items():
        global_ids = getattr(data, name)
        if global_ids is not UNSET:
            if global_ids is None:
                problems.add(name, f"{name} cannot be null; send [] for none.", ErrorCode.REQUIRED)
                continue
            target = KINDS[link.target]
            links[name] = await edit_input.existing_ids(global_ids, target, name, problems)
    return links


async def references_given(kind: Kind, data: object, problems: Problems) -> dict[str, Any]:
    """Columns of the references sent (a person's section), checked to exist."""
    columns: dict[str, Any] = {}
    for name in _references(kind):
        spec = kind.declared.fields[name]
        global_id = getattr(data, name)
        if global_id is UNSET:
            continue
        if global_id is None:
            columns[spec.column] = None
            continue
        target = KINDS[spec.target or ""]
        found = await edit_input.existing_ids([global_id], target, spec.label, problems)
        if found:
            columns[spec.column] = found[0]
    return columns


def target(global_id: relay.GlobalID, kind: Kind, problems: Problems) -> int:
    pk = edit_input.decode_id(global_id, kind, "id", problems)
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
        columns = edit_input.clean_columns(POST, input_values(POST, input), problems)
        links = await links_given(POST, input, problems)
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
        columns = edit_input.clean_columns(POST, input_values(POST, input), problems)
        links = await links_given(POST, input, problems)
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
    columns = edit_input.clean_columns(kind, input_values(kind, data), problems)
    columns.update(await references_given(kind, data, problems))
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
    columns = edit_input.clean_columns(kind, input_values(kind, data), problems)
    columns.update(await references_given(kind, data, problems))
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
    if status is PostStatus.DRAFT:
        columns["published_at"] = None  # a draft is not published: publishing again starts now
    action = {"draft": "unpublish", "published": "publish", "scheduled": "schedule"}[status.value]
    return await attempt(
        editing.update(info.context, POST, pk, data.version, columns, guard=guard, action=action),
        info.context,
    )
