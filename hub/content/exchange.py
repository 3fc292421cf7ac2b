"""The content exchange format's vocabulary (``docs/import-format.md``): what a file holds,
what a problem with it is, and how the types' records are named and ordered.

Records are the declared types' writable fields (``hub/content/core_types.py``), a reference
named by the slug of the object it points at, and link lists as lists of slugs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from hub.content.core_types import CORE_TYPES, PERSON, POST, SECTION, THEME
from hub.content.declarations import ContentType
from hub.events import ContentEvent

FORMAT_VERSION = 1
#: The order records are written in: people point at sections, posts at all three.
WRITE_ORDER: tuple[ContentType, ...] = CORE_TYPES
#: The order of the lists in a file, and of the problems found in them.
FILE_ORDER: tuple[ContentType, ...] = (SECTION, PERSON, THEME, POST)
BY_PLURAL: Mapping[str, ContentType] = {declared.plural: declared for declared in CORE_TYPES}
KINDS = tuple(declared.plural for declared in WRITE_ORDER)
#: Keeps ``slug IN (...)`` under SQLite's bound-parameter limit on every version.
QUERY_CHUNK = 500
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
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    unchanged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    events: list[ContentEvent] = field(default_factory=list)


@dataclass
class Record:
    """A checked record: its field values (references as slugs) and its link lists' slugs."""

    kind: str
    location: str
    slug: str
    values: dict[str, Any]
    links: dict[str, list[str]] = field(default_factory=dict)


async def slug_ids(declared: ContentType, slugs: Iterable[str]) -> dict[str, int]:
    """The row id of each of ``slugs`` that exists, in chunks of :data:`QUERY_CHUNK`."""
    wanted = sorted(set(slugs))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), QUERY_CHUNK):
        chunk = wanted[start : start + QUERY_CHUNK]
        rows = await declared.model.filter(slug__in=chunk).values_list("slug", "id")
        found.update(rows)
    return found
