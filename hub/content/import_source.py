"""What an import reads: the top-level entries of a document, from a file streamed piece by
piece or from a document already in memory, in the order they come.

A file is never read whole: ijson's C parser (yajl) goes through it, and only one record at a
time is built as Python objects, so a 4 GB file needs no more memory than a 4 MB one. The bytes
are checked to be UTF-8 on the way through, so a file in another encoding is refused naming the
first bad byte, as before streaming.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterator
from itertools import count
from typing import IO, Any

import ijson

from hub.content.exchange import ImportProgress, NoProgress, Problem, UnreadableFile

#: ``("value", key, value)`` for a top-level value that is not a list, ``("list", key, None)``
#: when a list begins, then ``("item", key, (index, item))`` for each of its items.
Entry = tuple[str, str, Any]

NOT_AN_OBJECT = "must be a JSON object with sections, people, ..."
_STARTS = frozenset({"start_map", "start_array"})
_ENDS = frozenset({"end_map", "end_array"})


class NotUtf8(ValueError):
    """A file to import is not UTF-8 text (the import format's only encoding)."""


def _not_utf8(data: bytes, error: UnicodeDecodeError, offset: int) -> NotUtf8:
    return NotUtf8(
        f"is not UTF-8 text: byte {data[error.start]:#04x} at offset {offset + error.start} is "
        "not valid UTF-8; save the file as UTF-8 and import it again"
    )


def decode_utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _not_utf8(data, error, 0) from None


class _Utf8Reader:
    """The file's bytes for the parser, checked to be UTF-8 and counted for the progress bar."""

    def __init__(self, raw: IO[bytes], progress: ImportProgress) -> None:
        self.raw, self.progress = raw, progress
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.offset = 0  # of the first byte the decoder has not seen

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        held, _ = self.decoder.getstate()  # the start of a character split across reads
        try:
            self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            raise _not_utf8(held + data, error, self.offset - len(held)) from None
        self.offset += len(data)
        self.progress.advance(len(data))
        return data


def _built(event: str, value: Any, events: Iterator[tuple[str, Any]]) -> Any:
    """The whole value that starts with ``event``: one record, built as Python objects."""
    if event not in _STARTS:
        return value
    builder = ijson.ObjectBuilder()
    builder.event(event, value)
    depth = 1
    for event, value in events:
        builder.event(event, value)
        if event in _STARTS:
            depth += 1
        elif event in _ENDS:
            depth -= 1
            if depth == 0:
                break
    return builder.value


def _stream_entries(events: Iterator[tuple[str, Any]]) -> Iterator[Entry]:
    event, value = next(events, ("end", None))
    if event != "start_map":
        raise UnreadableFile([Problem("file", NOT_AN_OBJECT)])
    for event, key in events:
        if event == "end_map":
            break
        event, value = next(events, ("end", None))
        if event != "start_array":
            yield "value", key, _built(event, value, events)
            continue
        yield "list", key, None
        for index in count():
            event, value = next(events, ("end_array", None))
            if event == "end_array":
                break
            yield "item", key, (index, _built(event, value, events))
    for _ in events:  # the parser refuses anything after the document
        pass


def file_entries(raw: IO[bytes], progress: ImportProgress | None = None) -> Iterator[Entry]:
    """The entries of the JSON file ``raw``, parsed as they are read.

    Raises :class:`NotUtf8` or :class:`UnreadableFile` (not JSON, or not an object) at the
    point of the file where it stops making sense.
    """
    progress = progress or NoProgress()
    progress.stage("Checking the file (bytes)", os.fstat(raw.fileno()).st_size)
    events = ijson.basic_parse(_Utf8Reader(raw, progress), use_float=True)
    try:
        yield from _stream_entries(events)
    except ijson.JSONError as error:
        # yajl's message spans lines, pointing at the spot; its first line says what is wrong.
        reason = str(error).strip().splitlines()[0] if str(error).strip() else "it is incomplete"
        raise UnreadableFile([Problem("file", f"is not valid JSON: {reason}")]) from None


def document_entries(document: Any, progress: ImportProgress | None = None) -> Iterator[Entry]:
    """The entries of a document already parsed (the demo's, a test's)."""
    if not isinstance(document, dict):
        raise UnreadableFile([Problem("file", NOT_AN_OBJECT)])
    progress = progress or NoProgress()
    items = sum(len(value) for value in document.values() if isinstance(value, list))
    progress.stage("Checking records", items)
    for key, value in document.items():
        if not isinstance(value, list):
            yield "value", key, value
            continue
        yield "list", key, None
        for index, item in enumerate(value):
            yield "item", key, (index, item)
            if index % 1000 == 999:
                progress.advance(1000)
        progress.advance(len(value) % 1000)
