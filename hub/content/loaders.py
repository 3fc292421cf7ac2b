"""Per-request DataLoaders for the content types.

Each loader is one SQL statement for a whole batch of keys. Relations are read starting from
the link table (``hub_post_author`` and friends), whose index leads with the key, rather than
joining outwards from the people or themes (which makes SQLite scan them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from hub.content.models import Person, PostAuthor, PostSection, PostTheme, Section, Theme
from hub.content.types import PersonType, PostType, SectionType, ThemeType
from hub.content.visibility import visible_posts
from hub.graphql.context import Context, LoaderFactory

T = TypeVar("T")

PERSON_FIELDS = ("id", "slug", "name", "role", "bio", "photo_url", "section_id", "board_order")
SECTION_FIELDS = (
    "id", "slug", "name", "country_code", "description", "founded_year", "website",
)  # fmt: skip
THEME_FIELDS = ("id", "slug", "name", "description")
POST_FIELDS = (
    "id", "slug", "title", "excerpt", "body", "status", "published_at", "updated_at", "language",
)  # fmt: skip


def _by_id(
    model: type[Model], fields: Sequence[str], make: Callable[[dict[str, Any]], T]
) -> Callable[[Sequence[int]], Awaitable[list[T | None]]]:
    async def load(ids: Sequence[int]) -> list[T | None]:
        rows = await model.filter(id__in=list(ids)).values(*fields)
        found = {row["id"]: make(row) for row in rows}
        return [found.get(key) for key in ids]

    return load


def _grouped(
    link: type[Model],
    key: str,
    target: str,
    fields: Sequence[str],
    order: Sequence[str],
    make: Callable[[dict[str, Any]], T],
) -> Callable[[Sequence[int]], Awaitable[list[list[T]]]]:
    selected = {field: f"{target}__{field}" for field in fields}

    async def load(keys: Sequence[int]) -> list[list[T]]:
        rows = await (
            link.filter(**{f"{key}__in": list(keys)}).order_by(*order).values(key, **selected)
        )
        groups: dict[int, list[T]] = defaultdict(list)
        for row in rows:
            groups[row[key]].append(make(row))
        return [groups.get(k, []) for k in keys]

    return load


load_post_authors = _grouped(
    PostAuthor,
    key="post_id",
    target="person",
    fields=PERSON_FIELDS,
    order=("post_id", "position", "id"),
    make=PersonType.from_row,
)
load_post_themes = _grouped(
    PostTheme,
    key="post_id",
    target="theme",
    fields=THEME_FIELDS,
    order=("post_id", "theme__name"),
    make=ThemeType.from_row,
)
load_post_sections = _grouped(
    PostSection,
    key="post_id",
    target="section",
    fields=SECTION_FIELDS,
    order=("post_id", "section__name"),
    make=SectionType.from_row,
)


load_post_authors = _grouped(
    PostAuthor,
    key="post_id",
    target="person",
    fields=PERSON_FIELDS,
    order=("post_id", "position", "id"),
    make=PersonType.from_row,
)
load_post_themes = _grouped(
    PostTheme,
    key="post_id",
    target="theme",
    fields=THEME_FIELDS,
    order=("post_id", "theme__name"),
    make=ThemeType.from_row,
)
load_post_sections = _grouped(
    PostSection,
    key="post_id",
    target="section",
    fields=SECTION_FIELDS,
    order=("post_id", "section__name"),
    make=SectionType.from_row,
)


def _posts_by_id(context: Context) -> DataLoader[int, PostType | None]:
    async def load(ids: Sequence[int]) -> list[PostType | None]:
        rows = await visible_posts(context).filter(id__in=list(ids)).values(*POST_FIELDS)
        found = {row["id"]: PostType.from_row(row) for row in rows}
        return [found.get(key) for key in ids]

    return DataLoader(load_fn=load)


def _people_by_section(context: Context) -> DataLoader[int, list[PersonType]]:
    async def load(section_ids: Sequence[int]) -> list[list[PersonType]]:
        rows = await (
            Person.filter(section_id__in=list(section_ids))
            .order_by("board_order", "name", "id")
            .values(*PERSON_FIELDS)
        )
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
        "post_authors": lambda _: DataLoader(load_fn=load_post_authors),
        "post_themes": lambda _: DataLoader(load_fn=load_post_themes),
        "post_sections": lambda _: DataLoader(load_fn=load_post_sections),
    }
