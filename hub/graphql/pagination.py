"""Relay cursor pagination over keysets, for any Tortoise queryset.

Cursors carry the sort values of their row (and the name of the ordering), so a page is one
indexed range scan whatever its depth, and rows inserted meanwhile never shift a page.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
import strawberry
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from hub.errors import UserError
from hub.keys import key_in_range
from hub.rows import fetch_values

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100

ColumnKind = Literal["int", "str", "datetime"]


@dataclass(frozen=True)
class SortColumn:
    """One column of an :class:`Ordering`: its name, its direction and the kind of its values."""

    name: str
    descending: bool
    kind: ColumnKind


@dataclass(frozen=True)
class Ordering:
    """A named, total order: the last column must be unique (the primary key)."""

    name: str
    columns: tuple[SortColumn, ...]

    def order_by(self, reverse: bool = False) -> list[str]:
        return [
            ("-" if column.descending != reverse else "") + column.name for column in self.columns
        ]


@strawberry.type(description="Where a page of a connection sits in the whole list (Relay).")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@dataclass(frozen=True)
class PageArgs:
    """A connection field's ``first``, ``after``, ``last`` and ``before``, for :func:`paginate`."""

    first: int | None
    after: str | None
    last: int | None
    before: str | None

    def limit(self) -> tuple[int, bool]:
        """The page size and whether it counts from the end (``last``)."""
        if self.first is not None and self.last is not None:
            raise UserError(
                "Pass either `first` or `last`, not both: a page is counted from one end.",
                argument="first",
            )
        for name, value in (("first", self.first), ("last", self.last)):
            if value is not None and value < 0:
                raise UserError(f"`{name}` must not be negative (got {value}).", argument=name)
            if value is not None and value > MAX_PAGE_SIZE:
                raise UserError(
                    f"`{name}` is {value}, but a page holds at most {MAX_PAGE_SIZE} items: "
                    "ask for fewer and follow `pageInfo.endCursor`.",
                    argument=name,
                )
        if self.last is not None:
            return self.last, True
        return (self.first if self.first is not None else DEFAULT_PAGE_SIZE), False


@dataclass
class Page:
    rows: list[dict[str, Any]]
    cursors: list[str]
    page_info: PageInfo
    count: Callable[[], Awaitable[int]]


def encode_cursor(ordering: Ordering, row: dict[str, Any]) -> str:
    values = [row[column.name] for column in ordering.columns]
    payload = orjson.dumps([ordering.name, values])
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(ordering: Ordering, cursor: str, argument: str) -> list[Any]:
    problem = (
        f"`{argument}` is not a cursor of this list: pass a cursor from `edges.cursor` or "
        f"`pageInfo` of the same field and ordering (got {cursor[:80]!r})."
    )
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        name, values = orjson.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, TypeError, binascii.Error, UnicodeEncodeError):
        raise UserError(problem, argument=argument) from None
    if name != ordering.name or not isinstance(values, list):
        raise UserError(problem, argument=argument)
    if len(values) != len(ordering.columns):
        raise UserError(problem, argument=argument)
    decoded = []
    for column, value in zip(ordering.columns, values, strict=True):
        try:
            decoded.append(_decode_value(column.kind, value))
        except (ValueError, TypeError, OverflowError):
            raise UserError(problem, argument=argument) from None
    return decoded


def _decode_value(kind: ColumnKind, value: Any) -> Any:
    # A cursor is the client's text: a forged one must fail here, not in the database (an id
    # beyond the column's range, a NUL character, a moment that overflows in UTC).
    if kind == "datetime":
        if not isinstance(value, str):
            raise TypeError(value)
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is not None:
            moment.astimezone(UTC)
        return moment
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool) or not key_in_range(value):
            raise TypeError(value)
        return value
    if not isinstance(value, str) or "\x00" in value:
        raise TypeError(value)
    return value


def _beyond(ordering: Ordering, values: Sequence[Any], after: bool) -> Q:
    """Rows strictly after (or before) the row whose sort values are ``values``."""
    alternatives = []
    for index, column in enumerate(ordering.columns):
        equal = {ordering.columns[i].name: values[i] for i in range(index)}
        smaller = column.descending == after  # "after" in a descending order means smaller
        comparison = {f"{column.name}__{'lt' if smaller else 'gt'}": values[index]}
        alternatives.append(Q(**equal, **comparison))
    return Q(*alternatives, join_type="OR")


async def paginate(
    queryset: QuerySet[Any],
    ordering: Ordering,
    args: PageArgs,
    fields: Sequence[str],
) -> Page:
    """One page of ``queryset`` as dict rows, in ``ordering``, following Relay's algorithm."""
    size, from_end = args.limit()
    window = queryset
    if args.after is not None:
        window = window.filter(
            _beyond(ordering, decode_cursor(ordering, args.after, "after"), True)
        )
    if args.before is not None:
        window = window.filter(
            _beyond(ordering, decode_cursor(ordering, args.before, "before"), False)
        )
    selected = list(dict.fromkeys([*fields, *(column.name for column in ordering.columns)]))
    # One row more than asked tells whether another page exists (also for a page of 0).
    rows = await fetch_values(
        window.order_by(*ordering.order_by(reverse=from_end)).limit(size + 1).values(*selected),
        selected,
    )
    has_more = len(rows) > size
    rows = rows[:size]
    if from_end:
        rows.reverse()
    cursors = [encode_cursor(ordering, row) for row in rows]
    page_info = PageInfo(
        has_next_page=has_more if not from_end else args.before is not None,
        has_previous_page=has_more if from_end else args.after is not None,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )
    return Page(rows=rows, cursors=cursors, page_info=page_info, count=queryset.count)
