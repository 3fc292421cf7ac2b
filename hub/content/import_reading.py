"""Reading an import file: every record checked by the declarations' validation, every problem
found reported together with its record and field, references checked against the file and the
database. Nothing is written here.

Records are checked as they stream past (:mod:`hub.content.import_source`) and kept on disk
(:class:`hub.content.spool.Spool`), one spool per type, for the writing that follows. What stays
in memory is each type's slugs (to find repeats and to resolve references to records later in
the file) and the problems.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from hub.content.checking import check_values
from hub.content.content_type import ContentType
from hub.content.exchange import FORMAT_VERSION, QUERY_CHUNK, Problem, Record, slug_ids
from hub.content.field_kinds import ColumnKind
from hub.content.import_source import Entry
from hub.content.record_extras import record_extra
from hub.content.registry import ContentTypes
from hub.content.spool import Spool
from hub.graphql.nodes import node_key, parse_key

EXAMPLE_ID = "0f8fad5b-d9cb-469f-a165-70867728950e"

#: A reference to a slug not yet seen in the file: (location, field, plural named, slug named).
Pending = tuple[str, str, str, str]
#: A public id a record gives: (location, plural, slug, public id).
GivenId = tuple[str, str, str, str]


def _slug_list(raw: Mapping[str, Any], name: str, problem: Any) -> list[str]:
    value = raw.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problem(name, "must be a list of slugs (strings)")
        return []
    if len(set(value)) < len(value):
        repeated = sorted({slug for slug in value if value.count(slug) > 1})
        problem(name, f"lists {', '.join(map(repr, repeated))} more than once")
    return list(value)


def read_record(
    declared: ContentType, raw: Mapping[str, Any], location: str, problems: list[Problem]
) -> Record:
    """One record checked on its own, its problems added to ``problems``."""

    def problem(name: str | None, message: str) -> None:
        problems.append(Problem(location, message, name))

    writable = {spec.name for spec in declared.writable}
    given = {name: value for name, value in raw.items() if name in writable}
    values, invalid = check_values(declared, given, complete=True)
    for found in invalid:
        problem(found.field, found.message)
    links = {name: _slug_list(raw, name, problem) for name in declared.links}
    public_id = _public_id(raw.get("id"), problem)
    extra = record_extra(declared)
    extra_names = set(extra.names) if extra is not None else set()
    for name in sorted(set(raw) - writable - set(declared.links) - {"id"} - extra_names):
        problem(name, "is not a field of this record (see docs/import-format.md)")
    slug = values.pop("slug", None)
    extras = extra.read(raw, slug, problem) if extra is not None else {}
    if slug is None:  # refused above; the record still names itself as the file does
        slug = raw["slug"] if isinstance(raw.get("slug"), str) else ""
    return Record(declared.plural, location, slug, values, links, public_id, extras)


def _public_id(value: Any, problem: Any) -> str | None:
    """The record's public id in canonical form; it may be left out (a new one is made)."""
    if value is None:
        return None
    key = parse_key(value) if isinstance(value, str) else None
    if not isinstance(key, str):
        problem("id", f"must be a public id (a UUID such as {EXAMPLE_ID!r}), not {value!r}")
        return None
    return key


class FileCheck:
    """The first pass of an import: every record checked, kept for writing, problems listed."""

    def __init__(self, types: ContentTypes) -> None:
        self.types = types
        self.problems: list[Problem] = []
        plurals = [declared.plural for declared in types.exchanged]
        #: Checked records by type, on disk; dropped at the first problem (nothing is written).
        self.records: dict[str, Spool[Record]] = {plural: Spool() for plural in plurals}
        #: Each type's slugs in the file, with the index of the record that first used it.
        self.slugs: dict[str, dict[str, int]] = {plural: {} for plural in plurals}
        self.pending: Spool[Pending] = Spool("references")
        #: Each type's public ids in the file, with the index of the record that first gave it.
        self.ids: dict[str, dict[str, int]] = {plural: {} for plural in plurals}
        #: The public ids records give, checked against the database's with the references.
        self.given_ids: Spool[GivenId] = Spool("ids")
        by_name = {declared.name: declared.plural for declared in types.exchanged}
        #: Per type, each field naming other records: (field, plural named, is a list).
        self.pointers: dict[str, list[tuple[str, str, bool]]] = {
            declared.plural: [
                *(
                    (spec.name, by_name[spec.target or ""], False)
                    for spec in declared.writable
                    if spec.kind is ColumnKind.FOREIGN_KEY
                ),
                *((name, by_name[link.target], True) for name, link in declared.links.items()),
            ]
            for declared in types.exchanged
        }

    def read(self, entries: Iterable[Entry]) -> None:
        """Check every entry of a document, in the order they come."""
        by_plural = {declared.plural: declared for declared in self.types.exchanged}
        for what, key, value in entries:
            declared = by_plural.get(key)
            if what == "item":  # an unknown list's items were reported with its key
                if declared is not None:
                    index, raw = value
                    self._record(declared, index, raw)
            elif key == "version":
                if value != FORMAT_VERSION:
                    self.problems.append(
                        Problem("file", f"version must be {FORMAT_VERSION}", "version")
                    )
            elif declared is None:
                self.problems.append(Problem("file", f"has an unknown key {key!r}"))
            elif what == "value":
                self.problems.append(Problem("file", "must be a list of records", key))

    def _record(self, declared: ContentType, index: int, raw: Any) -> None:
        kind = declared.plural
        location = f"{kind}[{index}]"
        if not isinstance(raw, dict):
            self.problems.append(Problem(location, "must be a JSON object"))
            return
        if isinstance(raw.get("slug"), str):
            location += f' (slug "{raw["slug"]}")'
        record = read_record(declared, raw, location, self.problems)
        seen = self.slugs[kind]
        if record.slug in seen:
            first = f"{kind}[{seen[record.slug]}]"
            message = f'"{record.slug}" is used again (first by {first})'
            self.problems.append(Problem(location, message, "slug"))
        else:
            seen[record.slug] = index
        if record.public_id is not None:
            self._public_id(kind, index, location, record)
        for name, plural, listed in self.pointers[kind]:
            named = record.links[name] if listed else [record.values.get(name)]
            for slug in named:
                if slug and slug not in self.slugs[plural]:
                    self.pending.append((location, name, plural, slug))
        if self.problems:
            self._drop_records()
        else:
            self.records[kind].append(record)

    def _public_id(self, kind: str, index: int, location: str, record: Record) -> None:
        assert record.public_id is not None
        given = self.ids[kind]
        if record.public_id in given:
            first = f"{kind}[{given[record.public_id]}]"
            self.problems.append(Problem(location, f"is used again (first by {first})", "id"))
        else:
            given[record.public_id] = index
            self.given_ids.append((location, kind, record.slug, record.public_id))

    def _drop_records(self) -> None:
        # A file with a problem writes nothing: keeping its records would only fill the disk.
        for spool in self.records.values():
            spool.close()

    async def check_references(self) -> None:
        """Each slug a record names must be in the file or in the database."""
        missing: dict[str, set[str]] = {}
        for batch in self.pending.batches(10_000):
            for _, _, plural, slug in batch:
                if slug not in self.slugs[plural]:
                    missing.setdefault(plural, set()).add(slug)
        for plural, slugs in missing.items():
            declared = self.types.by_plural(plural)
            assert declared is not None
            missing[plural] = slugs - set(await slug_ids(declared, slugs))
        for plural, old_slug in await self._check_public_ids():
            # Renamed by this file: a reference to the old slug would find nothing when written.
            missing.setdefault(plural, set()).add(old_slug)
        for batch in self.pending.batches(10_000):
            for location, name, plural, slug in batch:
                if slug in missing.get(plural, ()):
                    label = self.types.by_plural(plural).label  # type: ignore[union-attr]
                    message = f'no {label} with slug "{slug}" in the file or the database'
                    self.problems.append(Problem(location, message, name))
        if self.problems:
            self._drop_records()

    async def _check_public_ids(self) -> set[tuple[str, str]]:
        """A record giving a stored object's public id with another slug renames it: the new
        slug must be free in the database, the old one unused by the file's other records.
        Returns the renames' old slugs, by plural."""
        renamed: set[tuple[str, str]] = set()
        for batch in self.given_ids.batches(QUERY_CHUNK):
            by_type: dict[str, dict[str, tuple[str, str]]] = {}
            for location, plural, slug, public_id in batch:
                by_type.setdefault(plural, {})[public_id] = (location, slug)
            for plural, given in by_type.items():
                declared = self.types.by_plural(plural)
                assert declared is not None
                stored = declared.model.filter(public_id__in=list(given))
                moves: dict[str, tuple[str, str]] = {}
                for public_id, slug in await stored.values_list("public_id", "slug"):
                    location, record_slug = given[node_key(public_id)]
                    if slug != record_slug:
                        moves[record_slug] = (location, slug)
                taken = set(await slug_ids(declared, moves))
                for new_slug, (location, old_slug) in moves.items():
                    label = declared.label
                    if new_slug in taken:
                        message = (
                            f'is the id of the {label} "{old_slug}" in the database, and '
                            f'"{new_slug}" is another {label}\'s slug'
                        )
                        self.problems.append(Problem(location, message, "id"))
                    elif old_slug in self.slugs[plural]:
                        message = (
                            f'renames the {label} "{old_slug}", which another record of the '
                            "file names by that slug"
                        )
                        self.problems.append(Problem(location, message, "id"))
                    else:
                        renamed.add((plural, old_slug))
        return renamed

    def close(self) -> None:
        self._drop_records()
        self.pending.close()
        self.given_ids.close()
