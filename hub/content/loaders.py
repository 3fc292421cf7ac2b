"""Per-request DataLoaders for the content types.

Each loader is one SQL statement for a whole batch of keys. A post's authors, themes and
sections are loaded by :mod:`hub.content.relations`.

Statements whose only parameters are the batch's keys are built by Tortoise once per database
dialect and batch size (:class:`KeyedStatement`) and then sent as text: building a queryset's
SQL costs more than running it for a batch of 20 keys (``make bench`` profiles).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model
from tortoise.queryset import ValuesQuery

from hub.content.core_types import PERSON, POST, SECTION, THEME
from hub.content.models import Person, Section, Theme
from hub.content.types import PersonType, PostType, SectionType, ThemeType
from hub.content.visibility import visible_posts
from hub.graphql.context import Context, LoaderFactory
from hub.rows import fetch_values

T = TypeVar("T")

# The columns of each type's rows, from its declaration (hub/content/core_types.py).
PERSON_FIELDS = PERSON.row_columns
SECTION_FIELDS = SECTION.row_columns
THEME_FIELDS = THEME.row_columns
POST_FIELDS = POST.row_columns


#: Batches up to this size keep their statement; larger ones (rare: ``nodes`` with many ids)
#: are built each time, so the cache stays small.
MAX_KEPT_BATCH = 128


class KeyedStatement:
    """A ``.values()`` query whose only parameters are a batch of keys, built once per size.

    ``build(keys)`` makes the queryset; its SQL text depends only on the dialect and on how
    many keys there are, so it is kept and sent through the model's connection directly. Only
    for columns that need no conversion to Python (no dates: those come back as text on SQLite).
    """

    def __init__(self, model: type[Model], build: Callable[[list[int]], ValuesQuery[Any]]) -> None:
        self.model = model
        self.build = build
        self.statements: dict[tuple[str, int], str] = {}

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
        connection = self.model._meta.db
        batch = list(keys)
        statement = self._statement(connection.capabilities.dialect, batch)
        rows: list[dict[str, Any]] = await connection.execute_query_dict(statement, batch)
        return rows


def _by_id(
    model: type[Model], fields: Sequence[str], make: Callable[[dict[str, Any]], T]
) -> Callable[[Sequence[int]], Awaitable[list[T | None]]]:
    statement = KeyedStatement(model, lambda ids: model.filter(id__in=ids).values(*fields))

    async def load(ids: Sequence[int]) -> list[T | None]:
        rows = await statement.rows(ids)
        found = {row["id"]: make(row) for row in rows}
        return [found.get(key) for key in ids]

    return load


def _posts_by_id(context: Context) -> DataLoader[int, PostType | None]:
    async def load(ids: Sequence[int]) -> list[PostType | None]:
        query = visible_posts(context).filter(id__in=list(ids)).values(*POST_FIELDS)
        rows = await fetch_values(query, list(POST_FIELDS))
        found = {row["id"]: PostType.from_row(row) for row in rows}
        return [found.get(key) for key in ids]

    return DataLoader(load_fn=load)


_PEOPLE_BY_SECTION = KeyedStatement(
    Person,
    lambda section_ids: (
        Person.filter(section_id__in=section_ids)
        .order_by("board_order", "name", "id")
        .values(*PERSON_FIELDS)
    ),
)


def _people_by_section(context: Context) -> DataLoader[int, list[PersonType]]:
    async def load(section_ids: Sequence[int]) -> list[list[PersonType]]:
        rows = await _PEOPLE_BY_SECTION.rows(section_ids)
        groups: dict[int, list[PersonType]] = defaultdict(list)
        for row in rows:
            groups[row["section_id"]].append(PersonType.from_row(row))
        return [groups.get(key, []) for key in section_ids]

    return DataLoader(load_fn=load)


def dataloaders() -> Mapping[str, LoaderFactory]:
    return {
        "post_by_id": _posts_by_id,
        "person_by_id": lambda _: DataLoader(
            load_fn=_by_id(Person, PERSON_FIELDS, PersonType.from_row)
        ),
        "section_by_id": lambda _: DataLoader(
            load_fn=_by_id(Section, SECTION_FIELDS, SectionType.from_row)
        ),
        "theme_by_id": lambda _: DataLoader(
            load_fn=_by_id(Theme, THEME_FIELDS, ThemeType.from_row)
        ),
        "people_by_section": _people_by_section,
    }
