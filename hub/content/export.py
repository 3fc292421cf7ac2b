"""Exporting content in the exchange format: every declared type's records, sorted by slug.

A record holds the type's writable fields in declared order (a reference as the slug it names,
a moment in UTC ending in ``Z``), then its link lists as slugs: ordered ones in their order,
the others sorted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from hub.content.declarations import ColumnKind, ContentType, Field, Link
from hub.content.exchange import FILE_ORDER, FORMAT_VERSION


def _timestamp(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def _column(spec: Field) -> str:
    """What to read for a field: a reference's target slug, else the column."""
    return f"{spec.name}__slug" if spec.kind is ColumnKind.FOREIGN_KEY else spec.column


def _converter(spec: Field) -> Callable[[Any], Any] | None:
    if spec.kind is ColumnKind.DATETIME:
        return _timestamp
    choices = spec.choices
    if choices is not None:
        return lambda value: choices(value).value if value is not None else None
    return None


async def _links(link: Link) -> dict[int, list[str]]:
    """Slugs each owner links to: ordered links in their order, the others by slug."""
    target = link.column.removesuffix("_id")
    rows = await link.through.all().values(link.owner_column, f"{target}__slug", "id")
    if link.ordered:
        positions = dict(await link.through.all().values_list("id", "position"))
        rows.sort(key=lambda row: (positions[row["id"]], row["id"]))
    else:
        rows.sort(key=lambda row: row[f"{target}__slug"])
    by_owner: dict[int, list[str]] = {}
    for row in rows:
        by_owner.setdefault(row[link.owner_column], []).append(row[f"{target}__slug"])
    return by_owner


def _by_slug(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    # Sorted here, not in SQL: PostgreSQL's collation may order hyphens unlike SQLite's.
    return sorted(entries, key=lambda entry: str(entry["slug"]))


async def export_records(declared: ContentType) -> list[dict[str, Any]]:
    fields = [(spec.name, _column(spec), _converter(spec)) for spec in declared.writable]
    rows = await declared.model.all().values("id", *(column for _, column, _ in fields))
    links: Mapping[str, dict[int, list[str]]] = {
        name: await _links(link) for name, link in declared.links.items()
    }
    entries = []
    for row in rows:
        entry = {
            name: convert(row[column]) if convert else row[column]
            for name, column, convert in fields
        }
        for name, by_owner in links.items():
            entry[name] = by_owner.get(row["id"], [])
        entries.append(entry)
    return _by_slug(entries)


async def export_content() -> dict[str, Any]:
    """Every section, person, theme and post in the import format, each list sorted by slug."""
    document: dict[str, Any] = {"version": FORMAT_VERSION}
    for declared in FILE_ORDER:
        document[declared.plural] = await export_records(declared)
    return document
