"""Exporting content in the exchange format: every declared type's records, sorted by slug.

A record holds the object's public id (``id``, the key of its global IDs), then the type's
writable fields in declared order (a reference as the slug it names, a moment in UTC ending in
``Z``), then its link lists as slugs: ordered ones in their order, the others sorted. Nothing
here knows a type: fields and links come from the declarations, so a plugin's type, or a field
added to a declaration, is exported without a line written for it.

The file is written as it is read, a chunk of rows at a time, in the bytes ``dump_json`` gives
for the whole document: the memory an export needs does not grow with the content (beyond each
type's list of slugs, sorted to give the order).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import IO, Any

import orjson

from hub.content.content_type import ContentType
from hub.content.exchange import FORMAT_VERSION, QUERY_CHUNK
from hub.content.field_kinds import ColumnKind, Field
from hub.content.link_lists import Link
from hub.content.record_extras import record_extra
from hub.content.registry import ContentTypes
from hub.graphql.nodes import node_key

#: Bytes gathered before a write: few system calls, little memory.
WRITE_BUFFER = 1 << 16


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


async def _links(link: Link, owner_ids: list[int]) -> dict[int, list[str]]:
    """Slugs each of ``owner_ids`` links to: ordered links in their order, the others by slug."""
    slug = f"{link.column.removesuffix('_id')}__slug"
    ordering = ("position",) if link.ordered else ()
    rows = await link.through.filter(**{f"{link.owner_column}__in": owner_ids}).values(
        link.owner_column, slug, "id", *ordering
    )
    if link.ordered:
        rows.sort(key=lambda row: (row["position"], row["id"]))
    else:
        rows.sort(key=lambda row: row[slug])
    by_owner: dict[int, list[str]] = {}
    for row in rows:
        by_owner.setdefault(row[link.owner_column], []).append(row[slug])
    return by_owner


async def export_records(declared: ContentType) -> AsyncIterator[dict[str, Any]]:
    """The type's records sorted by slug, read :data:`QUERY_CHUNK` rows at a time."""
    fields = [(spec.name, _column(spec), _converter(spec)) for spec in declared.writable]
    columns = [column for _, column, _ in fields]
    # Sorted here, not in SQL: PostgreSQL's collation may order hyphens unlike SQLite's.
    order = sorted(await declared.model.all().values_list("slug", "id"))
    for start in range(0, len(order), QUERY_CHUNK):
        ids = [row_id for _, row_id in order[start : start + QUERY_CHUNK]]
        rows = await declared.model.filter(id__in=ids).values("id", "public_id", *columns)
        by_id = {row["id"]: row for row in rows}
        links = {name: await _links(link, ids) for name, link in declared.links.items()}
        extra = record_extra(declared)
        extras = await extra.export(ids) if extra is not None else {}
        for row_id in ids:
            row = by_id[row_id]
            entry: dict[str, Any] = {"id": node_key(row["public_id"])}
            for name, column, convert in fields:
                entry[name] = convert(row[column]) if convert else row[column]
            for name, by_owner in links.items():
                entry[name] = by_owner.get(row_id, [])
            entry.update(extras.get(row_id, {}))
            yield entry


async def export_chunks(types: ContentTypes) -> AsyncIterator[bytes]:
    """The export file, piece by piece: byte for byte ``dump_json`` of the whole document."""
    yield b'{\n  "version": ' + orjson.dumps(FORMAT_VERSION)
    for declared in types.exchanged:
        yield b",\n  " + orjson.dumps(declared.plural) + b": ["
        separator = b"\n    "
        async for record in export_records(declared):
            # A record alone, indented two levels deeper: JSON text has no raw newlines inside
            # strings, so every newline is one of the indentation's.
            text = orjson.dumps(record, option=orjson.OPT_INDENT_2)
            yield separator + text.replace(b"\n", b"\n    ")
            separator = b",\n    "
        yield b"]" if separator == b"\n    " else b"\n  ]"
    yield b"\n}\n"


async def write_export(types: ContentTypes, stream: IO[bytes]) -> None:
    """Write every declared type's records to ``stream``, in write order."""
    buffer = bytearray()
    async for chunk in export_chunks(types):
        buffer += chunk
        if len(buffer) >= WRITE_BUFFER:
            stream.write(buffer)
            buffer.clear()
    stream.write(buffer)


async def export_content(types: ContentTypes) -> dict[str, Any]:
    """Every declared type's records as one document (for small exports and tests)."""
    document: dict[str, Any] = {"version": FORMAT_VERSION}
    for declared in types.exchanged:
        document[declared.plural] = [record async for record in export_records(declared)]
    return document
