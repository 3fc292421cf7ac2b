"""The DataLoaders of a declared type, generated from its declaration.

``<type>_by_id`` and ``<type>_by_public_id`` (the objects by primary key or by the key of
their global ID, :mod:`hub.graphql.nodes`), ``<type>_version`` (for editable types),
``<plural>_by_<key>`` for each foreign key (the objects pointing at one target, in the type's
list order), ``<type>_by_<key>`` for a ``unique`` one (the one object pointing at it, or None:
a post's petition) and, for each link list, the loader it names. Each is one statement per batch.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from hub.content.content_type import ContentType
from hub.content.field_kinds import ColumnKind
from hub.content.keyed import KeyedStatement
from hub.content.link_lists import Link
from hub.content.node_types import by_id_loader, by_public_id_loader, version_loader
from hub.content.translated_fields import translation_loaders
from hub.graphql.context import Context, LoaderFactory
from hub.graphql.nodes import node_key

Make = Callable[[dict[str, Any]], Any]


def row_key(column: str) -> Callable[[dict[str, Any]], Any]:
    """A row's key in a loader by ``column``: public ids in their global IDs' text form."""
    if column == "public_id":
        return lambda row: node_key(row["public_id"])
    return lambda row: row[column]


def by_id(
    declared: ContentType, make: Make, column: str = "id"
) -> Callable[[Sequence[Any]], Awaitable[list[Any]]]:
    """A batch function: the objects of ``declared`` for a batch of ids (or of public ids,
    ``column="public_id"``), None for unknown ones."""
    columns = declared.row_columns
    statement = KeyedStatement(
        lambda: declared.model,
        lambda keys: declared.model.filter(**{f"{column}__in": keys}).values(*columns),
    )
    key = row_key(column)

    async def load(keys: Sequence[Any]) -> list[Any]:
        rows = await statement.rows(keys)
        found = {key(row): make(row) for row in rows}
        return [found.get(wanted) for wanted in keys]

    return load


def _per_request(load: Callable[[Sequence[Any]], Awaitable[list[Any]]]) -> LoaderFactory:
    """A new DataLoader on ``load`` in each request (its cache is the request's)."""
    return lambda _context: DataLoader(load_fn=load)


def versions(declared: ContentType) -> LoaderFactory:
    async def load(ids: Sequence[int]) -> list[int | None]:
        rows = await declared.model.filter(id__in=list(ids)).values_list("id", "version")
        versions = dict(rows)
        return [versions.get(pk) for pk in ids]

    return _per_request(load)


def _by_key(declared: ContentType, column: str, order: Sequence[str], make: Make) -> LoaderFactory:
    columns = declared.row_columns
    statement = KeyedStatement(
        lambda: declared.model,
        lambda keys: (
            declared.model.filter(**{f"{column}__in": keys}).order_by(*order).values(*columns)
        ),
    )

    def factory(_context: Context) -> DataLoader[int, list[Any]]:
        async def load(keys: Sequence[int]) -> list[list[Any]]:
            groups: dict[int, list[Any]] = defaultdict(list)
            for row in await statement.rows(keys):
                groups[row[column]].append(make(row))
            return [groups.get(key, []) for key in keys]

        return DataLoader(load_fn=load)

    return factory


def _links(declared: ContentType, link: Link, target: ContentType, make: Make) -> LoaderFactory:
    """The linked objects of a batch of owners: the link rows, then the targets, two statements."""
    owner = link.owner_column
    order = (owner, "position", "id") if link.ordered else (owner, "id")
    statement = KeyedStatement(
        lambda: link.through,
        lambda keys: (
            link.through.filter(**{f"{owner}__in": keys})
            .order_by(*order)
            .values(owner, link.column)
        ),
    )
    targets = by_id(target, make)

    def factory(_context: Context) -> DataLoader[int, list[Any]]:
        async def load(keys: Sequence[int]) -> list[list[Any]]:
            rows = await statement.rows(keys)
            wanted = list(dict.fromkeys(row[link.column] for row in rows))
            found = dict(zip(wanted, await targets(wanted), strict=True)) if wanted else {}
            groups: dict[int, list[Any]] = defaultdict(list)
            for row in rows:
                item = found.get(row[link.column])
                if item is not None:
                    groups[row[owner]].append(item)
            return [groups.get(key, []) for key in keys]

        return DataLoader(load_fn=load)

    return factory


def type_loaders(
    declared: ContentType,
    make: Make,
    order: Sequence[str] = (),
    targets: Mapping[str, tuple[ContentType, Make]] | None = None,
) -> dict[str, LoaderFactory]:
    """Every loader of ``declared``; ``targets``: the link lists' types and their ``from_row``."""
    # Built once: the batch functions keep their statements across requests.
    by_pk, by_public_id = by_id(declared, make), by_id(declared, make, "public_id")
    loaders: dict[str, LoaderFactory] = {
        by_id_loader(declared): lambda _context: DataLoader(load_fn=by_pk),
        by_public_id_loader(declared): lambda _context: DataLoader(load_fn=by_public_id),
    }
    if declared.editing is not None:
        loaders[version_loader(declared)] = versions(declared)
    for spec in declared.fields.values():
        if spec.kind is ColumnKind.FOREIGN_KEY and not spec.private:
            loaders[f"{declared.plural}_by_{spec.name}"] = _by_key(
                declared, spec.column, (*order, "id"), make
            )
            if spec.unique:
                loaders[f"{declared.label}_by_{spec.name}"] = _per_request(
                    by_id(declared, make, spec.column)
                )
    for link in declared.links.values():
        if targets is not None and link.target in targets:
            target, target_make = targets[link.target]
            loaders[link.loader] = _links(declared, link, target, target_make)
    loaders.update(translation_loaders(declared))
    return loaders
