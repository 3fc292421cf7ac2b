"""``from_row`` of a declared type's GraphQL type, generated from its declaration."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from hub.content.content_type import ContentType

T = TypeVar("T")

#: Makes a GraphQL object from a row of ``.values(*row_columns)``.
RowReader = Callable[[dict[str, Any]], T]


def row_reader(content_type: ContentType, make: Callable[..., T]) -> RowReader[T]:
    """``make(id=row["id"], public_id=row["public_id"], slug=row["slug"], ...)`` for the
    type's fields, as one function (``public_id`` makes the object's global ID).

    Generated once per type, as :mod:`dataclasses` generates ``__init__``: a loop over field
    objects for each row would cost the hot read path more than reading the row.
    """
    arguments = ['id=row["id"]', 'public_id=row["public_id"]']
    for spec in content_type.type_fields:
        value = f"row[{spec.column!r}]"
        if spec.blank_as_null:
            value += " or None"
        if spec.local_to is not None:
            zone = f"zone(row[{content_type.fields[spec.local_to].column!r}])"
            value = f"{value}.astimezone({zone})"
            if spec.nullable:
                value = f"({value} if row[{spec.column!r}] is not None else None)"
        arguments.append(f"{spec.type_attribute}={value}")
    name = f"{content_type.label}_from_row"
    source = f"def {name}(row):\n    return make({', '.join(arguments)})\n"
    namespace: dict[str, Any] = {"make": make, "zone": ZoneInfo}
    exec(compile(source, f"<{content_type.name} row reader>", "exec"), namespace)
    reader: RowReader[T] = namespace[name]
    return reader
