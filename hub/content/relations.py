"""A post's authors, themes and sections, in one statement for whichever of them are asked.

The three relations are three DataLoaders (``post_authors``, ``post_themes``,
``post_sections``) whose batch functions share one :class:`~hub.graphql.combined.CombinedCalls`
per request: a page of posts asking all three sends one ``UNION ALL`` instead of three
statements. Each branch starts from the link table, whose unique ``(post_id, ...)`` index
leads with the key, and joins the one row it points to.

The branches' columns line up by position: each target's declaration lists its columns by type
(the integer id, its text columns, its integer columns: ``ContentType.union_columns``), and the
rest is padded with NULL, so that PostgreSQL can type every column of the union.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from hub.content.core_types import BY_NAME, POST
from hub.content.models import PostAuthor
from hub.content.types import CORE_BODIES
from hub.graphql.combined import CombinedCalls
from hub.graphql.context import Context, LoaderFactory


@dataclass(frozen=True)
class Relation:
    """Rows of ``target`` reached from a post through the link table ``link``."""

    link: type[Model]
    target: type[Model]
    #: The link's column holding the target's id.
    target_column: str
    #: The target's columns, in the order of the union's shared columns (see the module doc).
    fields: tuple[str, ...]
    make: Callable[[dict[str, Any]], Any]
    #: A link column giving the order (authors are credited in order), else the target's name.
    position: str | None = None


def _relations() -> dict[str, Relation]:
    """One relation per link list declared on posts (hub/content/core_types.py)."""
    relations = {}
    for name, link in POST.links.items():
        target = BY_NAME[link.target]
        relations[name] = Relation(
            link.through,
            target.model,
            link.column,
            target.union_columns,
            CORE_BODIES[link.target].from_row,
            position="position" if link.ordered else None,
        )
    return relations


RELATIONS: Mapping[str, Relation] = _relations()
PARTS = tuple(RELATIONS)
SHARED_COLUMNS = max(len(relation.fields) for relation in RELATIONS.values())

#: Post ids of one relation in one statement; larger batches are split.
BATCH = 128
#: Statements kept, by dialect and the parts' batch sizes (any page size, any mix of parts).
KEPT_STATEMENTS = 256


def _placeholders(dialect: str, first: int, count: int) -> str:
    if dialect == "postgres":
        return ", ".join(f"${number}" for number in range(first, first + count))
    return ", ".join("?" * count)


def _branch(part: str, dialect: str, first: int, count: int) -> str:
    relation = RELATIONS[part]
    position = f'l."{relation.position}"' if relation.position else "NULL"
    sort_name = "NULL" if relation.position else 't."name"'
    columns = [f't."{field}"' for field in relation.fields]
    columns += ["NULL"] * (SHARED_COLUMNS - len(columns))
    shared = ", ".join(f'{column} AS "c{index}"' for index, column in enumerate(columns))
    return (
        f'SELECT {PARTS.index(part)} AS "part", l."post_id" AS "post_id", '
        f'{position} AS "position", {sort_name} AS "sort_name", l."id" AS "link_id", {shared} '
        f'FROM "{relation.link._meta.db_table}" l '
        f'JOIN "{relation.target._meta.db_table}" t ON t."id" = l."{relation.target_column}" '
        f'WHERE l."post_id" IN ({_placeholders(dialect, first, count)})'
    )


@lru_cache(maxsize=KEPT_STATEMENTS)
def statement(dialect: str, sizes: tuple[tuple[str, int], ...]) -> str:
    """The ``UNION ALL`` for these parts, each with its number of post ids."""
    branches, first = [], 1
    for part, count in sizes:
        branches.append(_branch(part, dialect, first, count))
        first += count
    return (
        " UNION ALL ".join(branches)
        + ' ORDER BY "part", "post_id", "position", "sort_name", "link_id"'
    )


async def fetch_post_relations(
    asked: Mapping[str, Sequence[int]],
) -> dict[str, dict[int, list[Any]]]:
    """Each asked relation's objects by post id, in display order; posts with none are left out.

    At most :data:`BATCH` post ids of each part go into one statement: larger batches (``nodes``
    with thousands of ids) take several, each well under the databases' parameter limits.
    """
    found: dict[str, dict[int, list[Any]]] = {part: {} for part in asked}
    connection = PostAuthor._meta.db
    longest = max((len(keys) for keys in asked.values()), default=0)
    for start in range(0, longest, BATCH):
        chunk = {part: asked[part][start : start + BATCH] for part in PARTS if part in asked}
        sizes = tuple((part, len(keys)) for part, keys in chunk.items() if keys)
        if not sizes:
            continue
        parameters = [post_id for part, _ in sizes for post_id in chunk[part]]
        _, rows = await connection.execute_query(
            statement(connection.capabilities.dialect, sizes), parameters
        )
        for row in rows:
            part = PARTS[row[0]]
            relation = RELATIONS[part]
            values = tuple(row)[5 : 5 + len(relation.fields)]
            found[part].setdefault(row[1], []).append(
                relation.make(dict(zip(relation.fields, values, strict=True)))
            )
    return found


def _relation_loader(part: str) -> LoaderFactory:
    """A loader of one of a post's relations, sharing its statement with the others."""

    def factory(context: Context) -> DataLoader[int, list[Any]]:
        combined = context.loaders.shared(
            "hub.post_relations", lambda: CombinedCalls(fetch_post_relations)
        )

        async def load(post_ids: Sequence[int]) -> list[list[Any]]:
            return [found or [] for found in await combined.load(part, post_ids)]

        return DataLoader(load_fn=load)

    return factory


def relation_loaders() -> Mapping[str, LoaderFactory]:
    return {link.loader: _relation_loader(name) for name, link in POST.links.items()}
