"""``.values()`` queries fetched as Tortoise fetches them, with a faster date parser.

SQLite hands dates back as text, and Tortoise parses each one with the pure-Python ``iso8601``
package: for a page of 20 posts that is 42 parses, ~15 % of a front-page request in profiles.
The text is what Tortoise itself wrote (``datetime.isoformat``), which the C-implemented
``datetime.fromisoformat`` reads; the field's own conversion then runs on the parsed value, so
time zones come out exactly as Tortoise makes them. Text it cannot read goes to Tortoise as is.
The SQL is Tortoise's too, kept per shape of query by :mod:`hub.sql_shapes`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from tortoise.fields import DatetimeField, Field
from tortoise.models import Model
from tortoise.queryset import ValuesQuery

from hub.sql_shapes import rendered

Converter = Callable[[Any], Any]


def datetime_converter(field: DatetimeField[Any]) -> Converter:
    convert = field.to_python_value

    def to_python(value: Any) -> Any:
        if isinstance(value, str):
            # try/except, not contextlib.suppress: a context manager per date costs ~1 % of a
            # front page.
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                return convert(value)  # Tortoise's own parser reads it, or says why not
            return convert(parsed)
        return convert(value)

    return to_python


def _converters(model: type[Model], names: list[str]) -> list[tuple[str, Converter]] | None:
    """How to convert each column, or ``None`` when one is not a plain field of ``model``."""
    native = {name for _, name, _ in model._meta.db_native_fields}
    converters: list[tuple[str, Converter]] = []
    for name in names:
        field: Field[Any] | None = model._meta.fields_map.get(name)
        if field is None:
            return None
        if name in native:
            continue
        if isinstance(field, DatetimeField):
            converters.append((name, datetime_converter(field)))
        else:
            converters.append((name, field.to_python_value))
    return converters


async def fetch_values(query: ValuesQuery[Any], names: list[str]) -> list[dict[str, Any]]:
    """The rows of ``query``, a ``.values(*names)``, exactly as awaiting it would give them."""
    model = query.model
    converters = _converters(model, names)
    if converters is None:  # annotations, related columns: Tortoise converts those itself
        rows: list[dict[str, Any]] = await query
        return rows
    rows = await model._meta.db.execute_query_dict(*rendered(query))
    for row in rows:
        for name, convert in converters:
            row[name] = convert(row[name])
    return rows
