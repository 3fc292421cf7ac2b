"""A ``.values()`` statement whose only parameters are a batch of keys, built once per size.

Building a queryset's SQL costs more than running it for a batch of 20 keys (``make bench``
profiles), so loaders keep the text per dialect and batch size. Rows come back as the driver
gives them, except dates and booleans, which are converted as Tortoise would (SQLite hands them
back as text and integers): a plugin's declared type may have both (an event's times).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from tortoise.fields import BooleanField, DatetimeField
from tortoise.models import Model
from tortoise.queryset import ValuesQuery

from hub.rows import Converter, datetime_converter

#: Batches up to this size keep their statement; larger ones (rare: ``nodes`` with many ids)
#: are built each time, so the cache stays small.
MAX_KEPT_BATCH = 128


class KeyedStatement:
    """A ``.values()`` query whose only parameters are a batch of keys, built once per size.

    ``build(keys)`` makes the queryset; its SQL text depends only on the dialect and on how
    many keys there are, so it is kept and sent through the model's connection directly. Only
    for plain columns of the model; dates and booleans are converted to Python values.
    """

    def __init__(
        self, model: Callable[[], type[Model]], build: Callable[[list[Any]], ValuesQuery[Any]]
    ) -> None:
        # The model is asked for at the first batch: a plugin serves its declared type when its
        # module is imported, before Tortoise has built the type's model.
        self.model = model
        self.build = build
        self.statements: dict[tuple[str, int], str] = {}
        self.converters: dict[tuple[str, ...], list[tuple[str, Converter]]] = {}

    def _converters(
        self, model: type[Model], names: tuple[str, ...]
    ) -> list[tuple[str, Converter]]:
        """The columns the driver does not give as Python values: dates and booleans."""
        found = self.converters.get(names)
        if found is None:
            native = {name for _, name, _ in model._meta.db_native_fields}
            found = []
            for name in names:
                field = model._meta.fields_map.get(name)
                if name in native or field is None:
                    continue
                if isinstance(field, DatetimeField):
                    found.append((name, datetime_converter(field)))
                elif isinstance(field, BooleanField):
                    found.append((name, field.to_python_value))
            self.converters[names] = found
        return found

    def _statement(self, dialect: str, keys: list[int]) -> str:
        statement = self.statements.get((dialect, len(keys)))
        if statement is not None:
            return statement
        query = self.build(keys)
        statement = query.sql()
        _, parameters = query.query.get_parameterized_sql()
        if list(parameters) != keys:
            raise ValueError(f"{statement!r} has parameters other than the batch's keys")
        if len(keys) <= MAX_KEPT_BATCH:
            self.statements[(dialect, len(keys))] = statement
        return statement

    async def rows(self, keys: Sequence[int]) -> list[dict[str, Any]]:
        connection = self.model()._meta.db
        batch = list(keys)
        statement = self._statement(connection.capabilities.dialect, batch)
        rows: list[dict[str, Any]] = await connection.execute_query_dict(statement, batch)
        if rows:
            converters = self._converters(self.model(), tuple(rows[0]))
            for row in rows:
                for name, convert in converters:
                    row[name] = convert(row[name])
        return rows
