"""Reading an import file: every record checked by the declarations' validation, every problem
found reported together with its record and field, references checked against the file and the
database. Nothing is written here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from hub.content.checking import check_values
from hub.content.declarations import ColumnKind, ContentType
from hub.content.exchange import (
    BY_PLURAL,
    FILE_ORDER,
    FORMAT_VERSION,
    KINDS,
    ImportProgress,
    NoProgress,
    Problem,
    Record,
    slug_ids,
)


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
    for name in sorted(set(raw) - writable - set(declared.links)):
        problem(name, "is not a field of this record (see docs/import-format.md)")
    slug = values.pop("slug", None)
    if slug is None:  # refused above; the record still names itself as the file does
        slug = raw["slug"] if isinstance(raw.get("slug"), str) else ""
    return Record(declared.plural, location, slug, values, links)


def read_document(
    document: Any, problems: list[Problem], progress: ImportProgress | None = None
) -> dict[str, list[Record]]:
    """Every record of ``document`` checked on its own (references are checked later)."""
    progress = progress or NoProgress()
    records: dict[str, list[Record]] = {kind: [] for kind in KINDS}
    if not isinstance(document, dict):
        problems.append(Problem("file", "must be a JSON object with sections, people, ..."))
        return records
    for key in sorted(set(document) - {*KINDS, "version"}):
        problems.append(Problem("file", f"has an unknown key {key!r}"))
    if document.get("version", FORMAT_VERSION) != FORMAT_VERSION:
        problems.append(Problem("file", f"version must be {FORMAT_VERSION}", "version"))
    for declared in FILE_ORDER:
        kind = declared.plural
        items = document.get(kind, [])
        if not isinstance(items, list):
            problems.append(Problem("file", "must be a list of records", kind))
            continue
        progress.stage(f"Checking {kind}", len(items))
        first_seen: dict[str, str] = {}
        for index, raw in enumerate(items):
            location = f"{kind}[{index}]"
            if not isinstance(raw, dict):
                problems.append(Problem(location, "must be a JSON object"))
                continue
            if isinstance(raw.get("slug"), str):
                location += f' (slug "{raw["slug"]}")'
            record = read_record(declared, raw, location, problems)
            if record.slug in first_seen:
                problems.append(
                    Problem(
                        location,
                        f'"{record.slug}" is used again (first by {first_seen[record.slug]})',
                        "slug",
                    )
                )
            first_seen.setdefault(record.slug, f"{kind}[{index}]")
            records[kind].append(record)
            if index % 1000 == 999:
                progress.advance(1000)
        progress.advance(len(items) % 1000)
    return records


def references(records: Mapping[str, list[Record]]) -> Iterator[tuple[Record, str, str, str]]:
    """(record, field, plural of the type named, slug named) for every reference in the file."""
    for declared in FILE_ORDER:
        pointers = [
            (spec.name, BY_NAME_PLURAL[spec.target or ""])
            for spec in declared.writable
            if spec.kind is ColumnKind.FOREIGN_KEY
        ]
        lists = [(name, BY_NAME_PLURAL[link.target]) for name, link in declared.links.items()]
        for record in records[declared.plural]:
            for name, plural in pointers:
                if record.values.get(name):
                    yield record, name, plural, record.values[name]
            for name, plural in lists:
                for slug in record.links[name]:
                    yield record, name, plural, slug


BY_NAME_PLURAL = {declared.name: plural for plural, declared in BY_PLURAL.items()}


async def check_references(records: Mapping[str, list[Record]], problems: list[Problem]) -> None:
    """Each slug a record names must be in the file or in the database."""
    in_file = {kind: {record.slug for record in records[kind]} for kind in KINDS}
    missing: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for _, _, kind, slug in references(records):
        if slug not in in_file[kind]:
            missing[kind].add(slug)
    in_database = {
        kind: set(await slug_ids(BY_PLURAL[kind], slugs)) for kind, slugs in missing.items()
    }
    for record, name, kind, slug in references(records):
        if slug not in in_file[kind] and slug not in in_database[kind]:
            problems.append(
                Problem(
                    record.location,
                    f'no {BY_PLURAL[kind].label} with slug "{slug}" in the file or the database',
                    name,
                )
            )
