"""The content exchange format (``docs/import-format.md``): importing and exporting files.

An import is all-or-nothing: every record is checked first (:mod:`hub.content.import_reading`)
and every problem reported together, then everything is written in one transaction
(:mod:`hub.content.import_writing`). Records are matched by slug, so importing the same file
twice changes nothing, and only what really changed becomes a content event. Exporting is
:mod:`hub.content.export`. The records are the declared types' (``hub/content/core_types.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
import pluggy
from tortoise.transactions import in_transaction

from hub.content.exchange import (
    FORMAT_VERSION,
    KINDS,
    ImportProgress,
    ImportReport,
    InvalidContent,
    NoProgress,
    Problem,
    Record,
)
from hub.content.export import export_content
from hub.content.import_reading import check_references, read_document
from hub.content.import_writing import write_records
from hub.events import dispatch_content_events

__all__ = [
    "FORMAT_VERSION",
    "KINDS",
    "ImportProgress",
    "ImportReport",
    "InvalidContent",
    "NoProgress",
    "Problem",
    "Record",
    "dump_json",
    "export_content",
    "import_content",
    "parse_json",
    "read_document",
]


async def import_content(
    pm: pluggy.PluginManager, document: Any, progress: ImportProgress | None = None
) -> ImportReport:
    """Check ``document`` (parsed JSON) and write it in one transaction, then tell plugins.

    Raises :class:`InvalidContent` with every problem found; the database is then untouched.
    """
    progress = progress or NoProgress()
    problems: list[Problem] = []
    records = read_document(document, problems, progress)
    async with in_transaction():
        await check_references(records, problems)
        if problems:
            raise InvalidContent(problems)
        report = await write_records(records, progress)
    await dispatch_content_events(pm, report.events)
    return report


class NotUtf8(ValueError):
    """A file to import is not UTF-8 text (the import format's only encoding)."""


def decode_utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotUtf8(
            f"is not UTF-8 text: byte {data[error.start]:#04x} at offset {error.start} is not "
            "valid UTF-8; save the file as UTF-8 and import it again"
        ) from None


def parse_json(text: bytes | str) -> Any:
    """The JSON document in ``text``; UTF-8 bytes are decoded first (:class:`NotUtf8` if not)."""
    if isinstance(text, bytes):
        text = decode_utf8(text)
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise InvalidContent([Problem("file", f"is not valid JSON: {error}")]) from None


def dump_json(document: Mapping[str, Any]) -> bytes:
    """The file form of a document: UTF-8, two-space indents, keys in documented order."""
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"
