"""The content exchange format's vocabulary (``docs/import-format.md``): what a file holds,
what a problem with it is, and what an import did.

Records are the declared types' writable fields (``hub/content/core_types.py`` and the plugins'
``register_content_types``), a reference named by the slug of the object it points at, and link
lists as lists of slugs. The lists of a file are the types' plurals, in write order
(:class:`hub.content.registry.ContentTypes`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from hub.content.content_type import ContentType
from hub.content.registry import ContentTypes

FORMAT_VERSION = 1
#: Keeps ``slug IN (...)`` under SQLite's bound-parameter limit on every version.
QUERY_CHUNK = 500
#: Records written together: one batch of checked records is read back, resolved and written
#: at a time, so the writing's memory does not grow with the file.
INSERT_BATCH = 1000


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an import file, located by record and field."""

    location: str
    message: str
    field: str | None = None

    def __str__(self) -> str:
        where = f'{self.location}: field "{self.field}"' if self.field else self.location
        return f"{where}: {self.message}"


class InvalidContent(Exception):
    """The file cannot be imported; ``problems`` lists every reason, in file order."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the import file")


class UnreadableFile(InvalidContent):
    """The file is not a JSON document in UTF-8: one problem, about the whole file."""


class ImportProgress(Protocol):
    def stage(self, description: str, total: int) -> None: ...
    def advance(self, amount: int) -> None: ...


class NoProgress:
    def stage(self, description: str, total: int) -> None:
        pass

    def advance(self, amount: int) -> None:
        pass


@dataclass
class ImportReport:
    """What an import did, counted per list of the file (``"posts"``)."""

    created: dict[str, int]
    updated: dict[str, int]
    unchanged: dict[str, int]
    #: Content events told to plugins after the commit (kept on disk until then, not here).
    announced: int = 0

    @classmethod
    def empty(cls, types: ContentTypes) -> ImportReport:
        plurals = [declared.plural for declared in types.exchanged]
        return cls(dict.fromkeys(plurals, 0), dict.fromkeys(plurals, 0), dict.fromkeys(plurals, 0))

    def summary(self) -> str:
        return "; ".join(
            f"{kind}: {self.created[kind]} new, {self.updated[kind]} updated, "
            f"{self.unchanged[kind]} unchanged"
            for kind in self.created
        )


@dataclass
class Record:
    """A checked record: its field values (references as slugs) and its link lists' slugs."""

    kind: str
    location: str
    slug: str
    values: dict[str, Any]
    links: dict[str, list[str]] = field(default_factory=dict)
    #: The public id the record gives (``id``), canonical; a new object gets it, a stored one
    #: keeps its own.
    public_id: str | None = None
    #: What the record holds beside fields and links (``hub.content.record_extras``).
    extras: dict[str, Any] = field(default_factory=dict)


async def slug_ids(declared: ContentType, slugs: Iterable[str]) -> dict[str, int]:
    """The row id of each of ``slugs`` that exists, in chunks of :data:`QUERY_CHUNK`."""
    wanted = sorted(set(slugs))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), QUERY_CHUNK):
        chunk = wanted[start : start + QUERY_CHUNK]
        rows = await declared.model.filter(slug__in=chunk).values_list("slug", "id")
        found.update(rows)
    return found
