"""How a change to content is checked and written: the machinery behind the content mutations.

Every change runs in one transaction: read the row, check the caller's version and the input,
write the row, its links and its audit entry. A problem with the input raises :class:`Refused`,
which rolls everything back and becomes the payload's ``errors``. Content events are sent only
after the commit, so a plugin never hears of a change that did not happen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import F
from tortoise.models import Model
from tortoise.transactions import in_transaction

from hub.access.audit import jsonable, record_change
from hub.content import core_types
from hub.content.content_type import ContentType
from hub.content.field_errors import ErrorCode, FieldError, Problems, Refused
from hub.content.field_kinds import NO_DEFAULT
from hub.content.linked_translations import check_group_languages
from hub.content.models import PostStatus
from hub.content.publishing import new_publication_problems
from hub.content.redirects import remember_old_slug
from hub.content.types import PostType
from hub.events import ContentEvent, EventKind, dispatch_content_events
from hub.graphql.context import Context
from hub.graphql.nodes import node_key

__all__ = ["ErrorCode", "FieldError", "Problems", "Refused"]  # kept importable from here


@dataclass(frozen=True)
class Kind:
    """A declared type as editing sees it: its declaration, and how a row becomes its object."""

    declared: ContentType
    make: Callable[[dict[str, Any]], Any]

    @property
    def model(self) -> type[Model]:
        return self.declared.model

    @property
    def type_name(self) -> str:
        return self.declared.name

    @property
    def label(self) -> str:
        return self.declared.label

    @property
    def fields(self) -> tuple[str, ...]:
        """The columns a row is read with, for the payload, the audit and the events."""
        return (*self.declared.row_columns, "version")

    @property
    def timestamped(self) -> bool:
        return self.declared.timestamped

    @property
    def changed(self) -> EventKind:
        return self.declared.changed_event

    @property
    def deleted(self) -> EventKind:
        return self.declared.deleted_event


#: Posts as editing sees them (preview links check post IDs with it).
POST = Kind(core_types.POST, PostType.from_row)


async def check_slug_free(
    kind: Kind, columns: Mapping[str, Any], pk: int | None, problems: Problems
) -> None:
    slug = columns.get("slug")
    if slug is None:
        return
    taken = kind.model.filter(slug=slug)
    if pk is not None:
        taken = taken.exclude(id=pk)
    if await taken.exists():
        problems.add(
            "slug", f"The slug {slug!r} is taken by another {kind.label}.", ErrorCode.TAKEN
        )


def check_record(kind: Kind, before: Mapping[str, Any] | None, columns: Mapping[str, Any]) -> None:
    """The type's rules over several fields (an event ends after it starts), on the record as
    it would be written: ``columns`` over the row ``before`` (or the defaults of a new one).
    The importer runs the same rules (:func:`hub.content.checking.check_values`)."""
    declared = kind.declared
    if not declared.checks:
        return
    record: dict[str, Any] = {}
    for name, spec in declared.fields.items():
        if spec.column in columns:
            record[name] = columns[spec.column]
        elif before is not None:
            record[name] = before.get(spec.column)
        elif spec.default is not NO_DEFAULT:
            record[name] = spec.default
    problems = Problems()
    for rule in declared.checks:
        for name, message in rule(record):
            label = declared.fields[name].label
            problems.add(label, f"{label}: {message.rstrip('.')}.")
    problems.raise_if_any()


async def read_row(kind: Kind, pk: int) -> dict[str, Any] | None:
    """The row as the payload, the audit and the events see it, with its link lists as ids."""
    row: dict[str, Any] | None = await kind.model.filter(id=pk).first().values(*kind.fields)
    if row is not None:
        for name, link in kind.declared.links.items():
            order = ("position", "id") if link.ordered else ("id",)
            row[name] = (
                await link.through.filter(**{link.owner_column: pk})
                .order_by(*order)
                .values_list(link.column, flat=True)
            )
    return row


async def check_links_free(kind: Kind, owner_id: int, links: Mapping[str, list[int]]) -> None:
    """A link table whose target column is unique (a post appeals for one campaign at most)
    refuses a target another object holds: said here, rather than as the database's error."""
    problems = Problems()
    for name, ids in links.items():
        link = kind.declared.links[name]
        column = link.through._meta.fields_map.get(link.column)
        if not ids or column is None or not column.unique:
            continue
        held = await (
            link.through.filter(**{f"{link.column}__in": ids})
            .exclude(**{link.owner_column: owner_id})
            .values_list(link.column, flat=True)
        )
        if held:
            target = link.target.lower()
            problems.add(
                name,
                f"{name}: {len(held)} of these {target} IDs already belong to another "
                f"{kind.label}; a {target} belongs to one {kind.label} at most.",
                ErrorCode.TAKEN,
            )
    problems.raise_if_any()


async def write_links(
    kind: Kind, owner_id: int, links: Mapping[str, list[int]], replace: bool
) -> None:
    await check_links_free(kind, owner_id, links)
    for name, ids in links.items():
        link = kind.declared.links[name]
        if replace:
            await link.through.filter(**{link.owner_column: owner_id}).delete()
        await link.through.bulk_create(
            [
                link.through(
                    **{link.owner_column: owner_id, link.column: linked},
                    **({"position": position} if link.ordered else {}),
                )
                for position, linked in enumerate(ids)
            ]
        )


def changed_values(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> dict[str, Any]:
    after_values = jsonable(after) or {}
    before_values = jsonable(before) or {}
    return {
        name: value
        for name, value in after_values.items()
        # The public id never changes; events carry it on their own (ContentEvent.public_id).
        if name not in ("version", "updated_at", "public_id") and before_values.get(name) != value
    }


def post_event(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> EventKind:
    was = before["status"] if before else None
    now = after["status"] if after else None
    if now == PostStatus.PUBLISHED and was != PostStatus.PUBLISHED:
        return EventKind.POST_PUBLISHED
    if was == PostStatus.PUBLISHED and now != PostStatus.PUBLISHED:
        return EventKind.POST_UNPUBLISHED
    return EventKind.POST_UPDATED


@dataclass
class Change:
    """What one mutation did, once committed: the row after, and the events to send."""

    row: dict[str, Any] | None = None
    events: list[ContentEvent] = field(default_factory=list)


def conflict(kind: Kind, sent: int, current: int) -> Refused:
    return Refused(
        [
            FieldError(
                field="version",
                message=(
                    f"This {kind.label} was changed by someone else since you loaded it "
                    f"(you edited version {sent}, it is now version {current}). Reload it and "
                    "apply your changes again."
                ),
                code=ErrorCode.CONFLICT,
            )
        ]
    )


def not_found(kind: Kind, label: str = "id") -> Refused:
    return Refused(
        [
            FieldError(
                field=label, message=f"There is no such {kind.label}.", code=ErrorCode.NOT_FOUND
            )
        ]
    )


Guard = Callable[[Context, Mapping[str, Any]], Any]


async def create(
    context: Context,
    kind: Kind,
    columns: Mapping[str, Any],
    links: Mapping[str, list[int]] | None = None,
) -> Change:
    change = Change()
    async with in_transaction():
        check_record(kind, None, columns)
        problems = Problems()
        await check_slug_free(kind, columns, None, problems)
        problems.raise_if_any()
        created = await kind.model.create(**columns)
        if links:
            await write_links(kind, created.pk, links, replace=False)
        change.row = await read_row(kind, created.pk)
        await record_change(
            context.actor, f"{kind.label}.create", kind.type_name, created.pk,
            str(columns["slug"]), None, change.row,
        )  # fmt: skip
    assert change.row is not None
    event_kind = post_event(None, change.row) if kind.declared is core_types.POST else kind.changed
    change.events.append(
        ContentEvent(
            event_kind,
            kind.type_name,
            created.pk,
            change.row["slug"],
            changed_values(None, change.row),
            public_id=node_key(change.row["public_id"]),
        )
    )
    return change


async def update(
    context: Context,
    kind: Kind,
    pk: int,
    version: int,
    columns: Mapping[str, Any],
    links: Mapping[str, list[int]] | None = None,
    guard: Guard | None = None,
    action: str = "update",
) -> Change:
    change = Change()
    async with in_transaction():
        before = await read_row(kind, pk)
        if before is None:
            raise not_found(kind)
        if guard is not None:
            await guard(context, before)
        if before["version"] != version:
            raise conflict(kind, version, before["version"])
        check_record(kind, before, columns)
        problems = Problems()
        await check_slug_free(kind, columns, pk, problems)
        await check_group_languages(kind.declared, pk, columns, problems)
        problems.raise_if_any()
        stamp = {"updated_at": datetime.now(UTC)} if kind.timestamped else {}
        # The version in the WHERE clause makes this safe against a concurrent writer too.
        written = await kind.model.filter(id=pk, version=version).update(
            **columns, **stamp, version=F("version") + 1
        )
        if written != 1:
            current: list[int] = await kind.model.filter(id=pk).values_list(  # type: ignore[assignment]
                "version", flat=True
            )
            raise conflict(kind, version, current[0] if current else version)
        if links:
            await write_links(kind, pk, links, replace=True)
        after = await read_row(kind, pk)
        if action == "update" and after is not None and is_public(kind, after):
            await refuse_new_publication_problems(context, before, after)
        if kind.declared is core_types.POST and after is not None:
            # Links shared before a rename keep leading to the post (hub.content.redirects).
            await remember_old_slug(pk, before["slug"], after["slug"])
        await record_change(
            context.actor, f"{kind.label}.{action}", kind.type_name, pk, before["slug"],
            before, after,
        )  # fmt: skip
        change.row = after
    event_kind = (
        post_event(before, change.row) if kind.declared is core_types.POST else kind.changed
    )
    slug = change.row["slug"] if change.row else before["slug"]
    change.events.append(
        ContentEvent(
            event_kind,
            kind.type_name,
            pk,
            slug,
            changed_values(before, change.row),
            public_id=node_key(before["public_id"]),
        )
    )
    return change


def is_public(kind: Kind, row: Mapping[str, Any]) -> bool:
    """A published or scheduled object of a type with a lifecycle (posts)."""
    editing = kind.declared.editing
    return bool(editing and editing.lifecycle and row["status"] != PostStatus.DRAFT)


async def refuse_new_publication_problems(
    context: Context, before: Mapping[str, Any], after: Mapping[str, Any]
) -> None:
    """A public post stays publishable: an update may not bring in what ``publishPost`` would
    refuse (``publication_problems``), such as a body image without alt text."""
    refusals = await new_publication_problems(context.plugin_manager, before, after)
    if refusals:
        raise Refused([FieldError(field=field, message=message, code=ErrorCode.REQUIRED)
                       for field, message in refusals])  # fmt: skip


async def delete(
    context: Context, kind: Kind, pk: int, version: int, guard: Guard | None = None
) -> Change:
    change = Change()
    async with in_transaction():
        before = await read_row(kind, pk)
        if before is None:
            raise not_found(kind)
        if guard is not None:
            await guard(context, before)
        if before["version"] != version:
            raise conflict(kind, version, before["version"])
        # SQLite counts the rows a cascade removed too: only 0 means the row had moved on.
        deleted = await kind.model.filter(id=pk, version=version).delete()
        if deleted == 0:
            raise conflict(kind, version, version + 1)
        await record_change(
            context.actor, f"{kind.label}.delete", kind.type_name, pk, before["slug"], before, None
        )
    change.events.append(
        ContentEvent(
            kind.deleted,
            kind.type_name,
            pk,
            before["slug"],
            public_id=node_key(before["public_id"]),
        )
    )
    return change


async def announce(context: Context, change: Change) -> None:
    """Tell plugins about a committed change."""
    await dispatch_content_events(context.plugin_manager, change.events)
