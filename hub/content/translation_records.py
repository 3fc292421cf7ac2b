"""The ``translations`` of a record in the exchange format, for types with translatable fields.

::

    "translations": {"fr": {"name": "LIFPL Cameroun", "description": "…"}, "pt-BR": {…}}

Languages in canonical case and sorted, fields in declared order, only those translated; left
out when the object has none. Each value is checked as the field's own value is (length,
blank); a record is the whole truth about its item, so an import makes an object's
translations exactly those of its record (a record without ``translations`` has none after).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from hub.content.checking import check_values
from hub.content.content_type import ContentType
from hub.content.exchange import INSERT_BATCH, QUERY_CHUNK
from hub.content.languages import canonical
from hub.content.translation_models import owner_column, translations_of
from hub.content.validation import check_language_tag

KEY = "translations"
Translations = dict[str, dict[str, str]]


@dataclass(frozen=True, eq=False)
class FieldTranslations:
    """A record's ``translations``: read, written in the import's transaction, exported."""

    declared: ContentType
    names: tuple[str, ...] = (KEY,)

    def read(self, raw: Mapping[str, Any], slug: str | None, problem: Any) -> dict[str, Any]:
        given = raw.get(KEY)
        if given is None:
            return {}
        if not isinstance(given, dict):
            problem(KEY, 'must be an object of languages, such as {"fr": {"name": "…"}}')
            return {}
        fields = [spec.name for spec in self.declared.translatable_fields]
        found: Translations = {}
        for language, values in given.items():
            try:
                check_language_tag(language)
            except ValueError as error:
                problem(KEY, str(error))
                continue
            tag = canonical(language)
            if tag in found:
                problem(KEY, f"gives {tag!r} twice")
                continue
            if not isinstance(values, dict):
                problem(KEY, f"{tag}: must be an object of fields ({', '.join(fields)})")
                continue
            for name in sorted(set(values) - set(fields)):
                problem(KEY, f"{tag}: {name!r} is not translatable ({', '.join(fields)} are)")
            wanted = {name: value for name, value in values.items() if name in fields}
            cleaned, invalid = check_values(
                self.declared, {n: v for n, v in wanted.items() if v is not None}, complete=False
            )
            for bad in invalid:
                problem(KEY, f"{tag}.{bad.field}: {bad.message}")
            kept = {name: cleaned[name] for name in fields if cleaned.get(name)}
            if kept:
                found[tag] = kept
        return {KEY: dict(sorted(found.items()))} if found else {}

    async def _stored(self, ids: Iterable[int]) -> dict[int, Translations]:
        model, owner = translations_of(self.declared), owner_column(self.declared)
        fields = [spec.name for spec in self.declared.translatable_fields]
        wanted = list(ids)
        found: dict[int, Translations] = {}
        for start in range(0, len(wanted), QUERY_CHUNK):
            chunk = wanted[start : start + QUERY_CHUNK]
            rows = await model.filter(**{f"{owner}__in": chunk}).values(owner, "language", *fields)
            for row in sorted(rows, key=lambda row: row["language"]):
                values = {name: row[name] for name in fields if row[name]}
                if values:
                    found.setdefault(row[owner], {})[row["language"]] = values
        return found

    async def write(self, ids: Mapping[str, int], extras: Mapping[str, Mapping[str, Any]]) -> int:
        """Make the translations of each record's object exactly its record's; returns how
        many objects changed."""
        model, owner = translations_of(self.declared), owner_column(self.declared)
        wanted = {ids[slug]: dict(found.get(KEY, {})) for slug, found in extras.items()}
        stored = await self._stored(wanted)
        changed = [pk for pk, translations in wanted.items() if stored.get(pk, {}) != translations]
        for start in range(0, len(changed), QUERY_CHUNK):
            chunk = changed[start : start + QUERY_CHUNK]
            await model.filter(**{f"{owner}__in": chunk}).delete()
        rows = [
            model(**{owner: pk, "language": language}, **values)
            for pk in changed
            for language, values in wanted[pk].items()
        ]
        for start in range(0, len(rows), INSERT_BATCH):
            await model.bulk_create(rows[start : start + INSERT_BATCH])
        return len(changed)

    async def export(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        return {pk: {KEY: found} for pk, found in (await self._stored(ids)).items()}
