"""The content exchange format (``docs/import-format.md``): importing and exporting files.

An import is all-or-nothing and streams: a first pass checks every record as the file is read
(:mod:`hub.content.import_reading`), keeping the checked records on disk, and reports every
problem together; then everything is written in one transaction, a batch at a time
(:mod:`hub.content.import_writing`), so that memory stays bounded whatever the file's size and a
killed import leaves nothing behind. Records are matched by slug, so importing the same file
twice changes nothing, and only what really changed becomes a content event, told to plugins
after the commit. Exporting is :mod:`hub.content.export`. The records are every declared type's
(:mod:`hub.content.registry`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
import pluggy
from tortoise.transactions import in_transaction

from hub.content.core_types import POST
from hub.content.exchange import (
    FORMAT_VERSION,
    QUERY_CHUNK,
    ImportProgress,
    ImportReport,
    InvalidContent,
    NoProgress,
    Problem,
    Record,
    UnreadableFile,
    slug_ids,
)
from hub.content.export import export_content, write_export
from hub.content.import_reading import FileCheck
from hub.content.import_source import Entry, NotUtf8, decode_utf8, document_entries, file_entries
from hub.content.import_writing import write_records
from hub.content.models import PostStatus
from hub.content.publishing import publication_problems
from hub.content.registry import ContentTypes, content_types
from hub.content.spool import Spool
from hub.events import BATCH_SIZE, ContentEvent, dispatch_content_events
from hub.settings import Settings

__all__ = [
    "FORMAT_VERSION",
    "ImportProgress",
    "ImportReport",
    "InvalidContent",
    "NoProgress",
    "NotUtf8",
    "Problem",
    "Record",
    "UnreadableFile",
    "dump_json",
    "export_content",
    "import_content",
    "import_file",
    "parse_json",
    "write_export",
]


def declared_types(pm: pluggy.PluginManager, types: ContentTypes | None) -> ContentTypes:
    """``types``, or the declarations of ``pm``'s plugins (for callers without settings)."""
    return types if types is not None else content_types(pm, Settings())


async def import_content(
    pm: pluggy.PluginManager,
    document: Any,
    progress: ImportProgress | None = None,
    *,
    types: ContentTypes | None = None,
) -> ImportReport:
    """Check ``document`` (parsed JSON) and write it in one transaction, then tell plugins.

    Raises :class:`InvalidContent` with every problem found; the database is then untouched.
    """
    progress = progress or NoProgress()
    entries = document_entries(document, progress)
    return await _import(pm, declared_types(pm, types), entries, progress)


async def import_file(
    pm: pluggy.PluginManager,
    path: Path,
    progress: ImportProgress | None = None,
    *,
    types: ContentTypes | None = None,
) -> ImportReport:
    """:func:`import_content` of the JSON file at ``path``, read as a stream.

    Also raises :class:`NotUtf8` and :class:`UnreadableFile` (not JSON, or not an object).
    """
    progress = progress or NoProgress()
    with path.open("rb") as raw:
        entries = file_entries(raw, progress)
        return await _import(pm, declared_types(pm, types), entries, progress)


async def _import(
    pm: pluggy.PluginManager,
    types: ContentTypes,
    entries: Iterator[Entry],
    progress: ImportProgress,
) -> ImportReport:
    check = FileCheck(types)
    events: Spool[ContentEvent] = Spool("events")
    try:
        check.read(entries)
        async with in_transaction():
            await check.check_references()
            await _publication_problems(pm, check)
            if check.problems:
                raise InvalidContent(check.problems)
            report = await write_records(types, check, progress, events)
        check.close()
        for batch in events.batches(BATCH_SIZE):
            await dispatch_content_events(pm, batch)
            report.announced += len(batch)
        return report
    finally:
        check.close()
        events.close()


async def _publication_problems(pm: pluggy.PluginManager, check: FileCheck) -> None:
    """Published posts of the file that plugins say cannot be public (an image without alt)."""
    spool = check.records.get(POST.plural)
    if spool is None:
        return
    for batch in spool.batches(QUERY_CHUNK):
        public = [
            record
            for record in batch
            if record.values.get("status") in {PostStatus.PUBLISHED, PostStatus.SCHEDULED}
        ]
        ids = await slug_ids(POST, (record.slug for record in public))
        posts = [
            {"id": ids.get(r.slug), "slug": r.slug, "body": r.values.get("body", "")}
            for r in public
        ]
        for index, field, message in await publication_problems(pm, posts):
            check.problems.append(Problem(public[index].location, message, field))


def parse_json(text: bytes | str) -> Any:
    """The JSON document in ``text``; UTF-8 bytes are decoded first (:class:`NotUtf8` if not)."""
    if isinstance(text, bytes):
        text = decode_utf8(text)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise UnreadableFile([Problem("file", f"is not valid JSON: {error}")]) from None


def dump_json(document: Mapping[str, Any]) -> bytes:
    """The file form of a document: UTF-8, two-space indents, keys in documented order."""
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"
