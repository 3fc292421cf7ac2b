"""How a change to content is checked and written: the machinery behind the content mutations.

Every change runs in one transaction: read the row, check the caller's version and the input,
write the row, its links and its audit entry. A problem with the input raises :class:`Refused`,
which rolls everything back and becomes the payload's ``errors``. Content events are sent only
after the commit, so a plugin never hears of a change that did not happen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from tortoise.expressions import F
from tortoise.models import Model
from tortoise.transactions import in_transaction

from hub.access.audit import jsonable, record_change
from hub.access.scopes import WRITE
from hub.content.loaders import PERSON_FIELDS, POST_FIELDS, SECTION_FIELDS, THEME_FIELDS
from hub.content.models import (
    Person,
    Post,
    PostAuthor,
    PostSection,
    PostStatus,
    PostTheme,
    Section,
    Theme,
)
from hub.content.sanitize import sanitize_html
from hub.content.types import PersonType, PostType, SectionType, ThemeType
from hub.content.validation import (
    check_country_code,
    check_founded_year,
    check_language_tag,
    check_slug,
    check_url,
)
from hub.errors import UserError
from hub.events import ContentEvent, EventKind, dispatch_content_events
from hub.graphql.context import Context
from hub.keys import primary_key


@strawberry.enum(description="Why an input field was refused.")
class ErrorCode(Enum):
    REQUIRED = "required"
    INVALID = "invalid"
    TOO_LONG = "too_long"
    TAKEN = "taken"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"


@strawberry.type(description="A problem with the input, to show next to the form field it names.")
class FieldError:
    field: str | None = strawberry.field(
        description="The input field, as named in the input type; null for the input as a whole."
    )
    message: str
    code: ErrorCode


class Refused(Exception):
    """The input cannot be applied; raised inside the transaction so nothing is kept."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = list(errors)


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


class Problems:
    """The input's problems, collected so the client sees all of them at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str | None, message: str, code: ErrorCode = ErrorCode.INVALID) -> None:
        self.errors.append(FieldError(field=field, message=message, code=code))

    def raise_if_any(self) -> None:
        if self.errors:
            raise Refused(self.errors)


@dataclass(frozen=True)
class Rule:
    """How one input field becomes a column value."""

    required: bool = False
    check: Callable[[Any], None] | None = None
    clean: Callable[[str], str] = str.strip
    #: ``null`` is accepted and stored as this; ``...`` means null is refused.
    null_value: Any = ...


@dataclass(frozen=True)
class Kind:
    model: type[Model]
    type_name: str
    fields: tuple[str, ...]
    make: Callable[[dict[str, Any]], Any]
    rules: Mapping[str, Rule]
    changed: EventKind
    deleted: EventKind
    timestamped: bool = True

    @property
    def label(self) -> str:
        return self.type_name.lower()


SLUG = Rule(required=True, check=check_slug)
NAME = Rule(required=True)
TEXT = Rule()

POST = Kind(
    Post,
    "Post",
    (*POST_FIELDS, "version"),
    PostType.from_row,
    {
        "slug": SLUG,
        "title": NAME,
        "excerpt": TEXT,
        # Sanitised on the way in: what is stored is what is served.
        "body": Rule(clean=sanitize_html),
        "language": Rule(required=True, check=check_language_tag),
    },
    EventKind.POST_UPDATED,
    EventKind.POST_DELETED,
)
PERSON = Kind(
    Person,
    "Person",
    (*PERSON_FIELDS, "version"),
    PersonType.from_row,
    {
        "slug": SLUG,
        "name": NAME,
        "role": TEXT,
        "bio": TEXT,
        "photo_url": Rule(check=check_url, null_value=""),
        "board_order": Rule(null_value=None),
    },
    EventKind.PERSON_CHANGED,
    EventKind.PERSON_DELETED,
)
SECTION = Kind(
    Section,
    "Section",
    (*SECTION_FIELDS, "version"),
    SectionType.from_row,
    {
        "slug": SLUG,
        "name": NAME,
        "country_code": Rule(
            required=True, check=check_country_code, clean=lambda text: text.strip().upper()
        ),
        "description": TEXT,
        "founded_year": Rule(check=check_founded_year, null_value=None),
        "website": Rule(check=check_url, null_value=""),
    },
    EventKind.SECTION_CHANGED,
    EventKind.SECTION_DELETED,
)
THEME = Kind(
    Theme,
    "Theme",
    (*THEME_FIELDS, "version"),
    ThemeType.from_row,
    {"slug": SLUG, "name": NAME, "description": TEXT},
    EventKind.THEME_CHANGED,
    EventKind.THEME_DELETED,
    timestamped=False,
)

#: A post's links: input field -> (link model, column, linked kind).
POST_LINKS: Mapping[str, tuple[type[Model], str, Kind]] = {
    "authors": (PostAuthor, "person_id", PERSON),
    "themes": (PostTheme, "theme_id", THEME),
    "sections": (PostSection, "section_id", SECTION),
}


def given(values: Mapping[str, Any]) -> dict[str, Any]:
    """The fields the client sent: ``UNSET`` ones are left as they are."""
    return {name: value for name, value in values.items() if value is not strawberry.UNSET}


def clean_columns(kind: Kind, values: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
    """Column values from input values, each problem recorded against its field."""
    columns: dict[str, Any] = {}
    for name, value in values.items():
        rule, label = kind.rules[name], camel(name)
        if value is None:
            if rule.null_value is ...:
                problems.add(label, f"{label} cannot be null.", ErrorCode.REQUIRED)
            else:
                columns[name] = rule.null_value
            continue
        if isinstance(value, str):
            value = rule.clean(value)
            if rule.required and not value:
                problems.add(label, f"{label} cannot be blank.", ErrorCode.REQUIRED)
                continue
            max_length = getattr(kind.model._meta.fields_map[name], "max_length", None)
            if max_length is not None and len(value) > max_length:
                problems.add(
                    label,
                    f"{label} is {len(value)} characters long; the most is {max_length}.",
                    ErrorCode.TOO_LONG,
                )
                continue
        if rule.check is not None:
            try:
                rule.check(value)
            except ValueError as error:
                problems.add(label, f"{label}: {error}.")
                continue
        columns[name] = value
    return columns


def decode_id(global_id: relay.GlobalID, kind: Kind, label: str, problems: Problems) -> int | None:
    if global_id.type_name != kind.type_name:
        problems.add(
            label, f"{label} expects a {kind.type_name} ID, not a {global_id.type_name} ID."
        )
        return None
    pk = primary_key(global_id.node_id)
    if pk is None:
        problems.add(label, f"{label}: {global_id.node_id[:40]!r} is not a {kind.type_name} ID.")
    return pk


async def existing_ids(
    global_ids: Sequence[relay.GlobalID], kind: Kind, label: str, problems: Problems
) -> list[int]:
    """The row ids of ``global_ids``, in order, once each; unknown ones are problems."""
    ids = [decode_id(global_id, kind, label, problems) for global_id in global_ids]
    wanted = list(dict.fromkeys(pk for pk in ids if pk is not None))
    found: set[int] = set(
        await kind.model.filter(id__in=wanted).values_list("id", flat=True)  # type: ignore[arg-type]
    )
    missing = [pk for pk in wanted if pk not in found]
    if missing:
        problems.add(
            label,
            f"{label}: no {kind.type_name} with the ID(s) "
            + ", ".join(str(relay.GlobalID(kind.type_name, str(pk))) for pk in missing)
            + ".",
            ErrorCode.NOT_FOUND,
        )
    return [pk for pk in wanted if pk in found]


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


async def read_row(kind: Kind, pk: int) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await kind.model.filter(id=pk).first().values(*kind.fields)
    if row is not None and kind is POST:
        for name, (link, column, _) in POST_LINKS.items():
            order = ("position", "id") if link is PostAuthor else ("id",)
            row[name] = (
                await link.filter(post_id=pk).order_by(*order).values_list(column, flat=True)
            )
    return row


async def write_links(post_id: int, links: Mapping[str, list[int]], replace: bool) -> None:
    for name, ids in links.items():
        link, column, _ = POST_LINKS[name]
        if replace:
            await link.filter(post_id=post_id).delete()
        extra: Callable[[int], dict[str, int]] = (
            (lambda position: {"position": position}) if link is PostAuthor else (lambda _: {})
        )
        await link.bulk_create(
            [
                link(post_id=post_id, **{column: linked}, **extra(position))
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
        if name not in ("version", "updated_at") and before_values.get(name) != value
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


async def ensure_may_edit_post(context: Context, post: Mapping[str, Any]) -> None:
    """Without ``content:write``, an author changes only drafts their person is credited on."""
    if context.has_scope(WRITE):
        return
    if post["status"] != PostStatus.DRAFT:
        raise UserError(
            f"Only an editor may change this post: it is {PostStatus(post['status']).value}, "
            "and authors change drafts only.",
            code="FORBIDDEN",
        )
    person_id = getattr(context.actor, "person_id", None)
    if person_id is None or person_id not in post["authors"]:
        raise UserError(
            "Authors may change only the drafts they are credited on as an author.",
            code="FORBIDDEN",
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
        problems = Problems()
        await check_slug_free(kind, columns, None, problems)
        problems.raise_if_any()
        created = await kind.model.create(**columns)
        if links:
            await write_links(created.pk, links, replace=False)
        change.row = await read_row(kind, created.pk)
        await record_change(
            context.actor, f"{kind.label}.create", kind.type_name, created.pk,
            str(columns["slug"]), None, change.row,
        )  # fmt: skip
    assert change.row is not None
    event_kind = post_event(None, change.row) if kind is POST else kind.changed
    change.events.append(
        ContentEvent(
            event_kind,
            kind.type_name,
            created.pk,
            change.row["slug"],
            changed_values(None, change.row),
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
        problems = Problems()
        await check_slug_free(kind, columns, pk, problems)
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
            await write_links(pk, links, replace=True)
        after = await read_row(kind, pk)
        await record_change(
            context.actor, f"{kind.label}.{action}", kind.type_name, pk, before["slug"],
            before, after,
        )  # fmt: skip
        change.row = after
    event_kind = post_event(before, change.row) if kind is POST else kind.changed
    slug = change.row["slug"] if change.row else before["slug"]
    change.events.append(
        ContentEvent(event_kind, kind.type_name, pk, slug, changed_values(before, change.row))
    )
    return change


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
    change.events.append(ContentEvent(kind.deleted, kind.type_name, pk, before["slug"]))
    return change


async def announce(context: Context, change: Change) -> None:
    """Tell plugins about a committed change."""
    await dispatch_content_events(context.plugin_manager, change.events)
