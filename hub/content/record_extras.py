"""What a record of the exchange format holds beside its type's declared fields and links.

Sections, people and themes carry their ``translations``
(:mod:`hub.content.translation_records`). Posts carry their old addresses (``old_slugs``,
``old_paths``: :mod:`hub.content.redirects`), so an export keeps them and an import (a
WordPress site's permalinks included) adds them. Each extra reads its keys from a record,
writes them in the import's transaction and reads them back for an export; a record without
them is exported as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from hub.content.content_type import ContentType
from hub.content.redirects import keep_redirects, normalised_path, redirects_of
from hub.content.translation_records import FieldTranslations
from hub.content.validation import check_slug

#: Reports a problem with a record's key: ``(key, message)``.
ProblemCallback = Callable[[str | None, str], None]


def _strings(raw: Mapping[str, Any], name: str, problem: ProblemCallback) -> list[str]:
    value = raw.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problem(name, "must be a list of strings")
        return []
    return value


@dataclass(frozen=True)
class PostRedirects:
    """A post's old slugs and old site paths."""

    names: tuple[str, ...] = ("old_slugs", "old_paths")

    def read(
        self, raw: Mapping[str, Any], slug: str | None, problem: ProblemCallback
    ) -> dict[str, Any]:
        old_slugs: list[str] = []
        for old in _strings(raw, "old_slugs", problem):
            try:
                check_slug(old)
            except ValueError as error:
                problem("old_slugs", f"{old!r}: {error}")
                continue
            if old == slug:
                problem("old_slugs", f"{old!r} is the post's own slug")
            old_slugs.append(old)
        old_paths: list[str] = []
        for old in _strings(raw, "old_paths", problem):
            try:
                old_paths.append(normalised_path(old))
            except ValueError as error:
                problem("old_paths", str(error))
        found: dict[str, Any] = {}
        if old_slugs:
            found["old_slugs"] = sorted(set(old_slugs))
        if old_paths:
            found["old_paths"] = sorted(set(old_paths))
        return found

    async def write(self, ids: Mapping[str, int], extras: Mapping[str, Mapping[str, Any]]) -> int:
        """``extras`` by the record's slug; ``ids`` the rows' ids by slug."""
        wanted = {
            slug: (found.get("old_slugs", ()), found.get("old_paths", ()))
            for slug, found in extras.items()
            if found
        }
        return await keep_redirects(ids, wanted) if wanted else 0

    async def export(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        found: dict[int, dict[str, Any]] = {}
        for post_id, (old_slugs, old_paths) in (await redirects_of(ids)).items():
            entry = found.setdefault(post_id, {})
            if old_slugs:
                entry["old_slugs"] = old_slugs
            if old_paths:
                entry["old_paths"] = old_paths
        return found


class RecordExtra(Protocol):
    """What a record of one type holds beside its fields and links."""

    @property
    def names(self) -> tuple[str, ...]: ...

    def read(
        self, raw: Mapping[str, Any], slug: str | None, problem: ProblemCallback
    ) -> dict[str, Any]: ...

    async def write(
        self, ids: Mapping[str, int], extras: Mapping[str, Mapping[str, Any]]
    ) -> int: ...

    async def export(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]: ...


#: The extras of each declared type, by name.
RECORD_EXTRAS: Mapping[str, RecordExtra] = {"Post": PostRedirects()}
_TRANSLATIONS: dict[ContentType, RecordExtra] = {}


def record_extra(declared: ContentType) -> RecordExtra | None:
    """The extra of ``declared``'s records: a post's redirects, the ``translations`` of a type
    with translatable fields (:mod:`hub.content.translation_records`), else none."""
    if declared.name in RECORD_EXTRAS:
        return RECORD_EXTRAS[declared.name]
    if declared.translatable_fields:
        if declared not in _TRANSLATIONS:
            _TRANSLATIONS[declared] = FieldTranslations(declared)
        return _TRANSLATIONS[declared]
    return None
