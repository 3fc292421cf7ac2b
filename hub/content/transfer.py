"""The content exchange format (``docs/import-format.md``): reading, checking, importing, exporting.

An import is all-or-nothing: every record is checked first and every problem reported together,
then everything is written in one transaction. Records are matched by slug, so importing the same
file twice changes nothing, and only what really changed becomes a content event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Protocol

import orjson
import pluggy
from tortoise.expressions import F
from tortoise.models import Model
from tortoise.transactions import in_transaction

from hub.content.models import (
    Person,
    Post,
    PostAuthor,
    PostSection,
    PostStatus,
    PostTheme,
    Section,
    Theme,
)
from hub.content.sanitize import sanitize_html
from hub.content.validation import (
    check_country_code,
    check_founded_year,
    check_language_tag,
    check_slug,
    check_url,
)
from hub.events import ContentEvent, EventKind, dispatch_content_events

FORMAT_VERSION = 1
#: The order records are written in: people point at sections, posts at all three.
KINDS = ("sections", "themes", "people", "posts")
MODELS: Mapping[str, type[Model]] = {
    "sections": Section, "themes": Theme, "people": Person, "posts": Post,
}  # fmt: skip
TYPE_NAMES = {"sections": "Section", "themes": "Theme", "people": "Person", "posts": "Post"}
CHANGED_EVENTS = {
    "sections": EventKind.SECTION_CHANGED,
    "themes": EventKind.THEME_CHANGED,
    "people": EventKind.PERSON_CHANGED,
}
#: Post link lists: (field in the file, kind they name, link model, column of the linked row).
POST_LINKS: tuple[tuple[str, str, type[Model], str], ...] = (
    ("authors", "people", PostAuthor, "person_id"),
    ("themes", "themes", PostTheme, "theme_id"),
    ("sections", "sections", PostSection, "section_id"),
)
STATUSES = tuple(status.value for status in PostStatus)
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
    """A checked record: its column values and, for posts, the slugs it links to."""

    kind: str
    location: str
    slug: str
    values: dict[str, Any]
    links: dict[str, list[str]] = field(default_factory=dict)


# --- reading and checking -------------------------------------------------------------------


@lru_cache(maxsize=256)
def _language_problem(tag: str) -> str | None:
    # langcodes parsing is the slowest check by far and large files repeat a handful of tags.
    try:
        check_language_tag(tag)
    except ValueError as error:
        return str(error)
    return None


class RecordReader:
    """Reads the fields of one record, collecting problems instead of stopping at the first."""

    def __init__(self, raw: Mapping[str, Any], location: str, problems: list[Problem]) -> None:
        self.raw, self.location, self.problems = raw, location, problems
        self.seen: set[str] = set()
        self.failed: set[str | None] = set()

    def problem(self, name: str | None, message: str) -> None:
        self.failed.add(name)
        self.problems.append(Problem(self.location, message, name))

    def _get(self, name: str, required: bool) -> Any:
        self.seen.add(name)
        if name not in self.raw and required:
            self.problem(name, "is required")
        return self.raw.get(name)

    def text(
        self,
        name: str,
        *,
        required: bool = False,
        max_length: int | None = None,
        check: Callable[[str], None] | None = None,
    ) -> str:
        value = self._get(name, required)
        if value is None:
            if required and name in self.raw:
                self.problem(name, "is required and cannot be null")
            return ""
        if not isinstance(value, str):
            self.problem(name, f"must be a string, not {type(value).__name__}")
            return ""
        if "\x00" in value:
            self.problem(name, "contains a NUL character")
        elif required and not value.strip():
            self.problem(name, "cannot be blank")
        elif max_length is not None and len(value) > max_length:
            self.problem(name, f"is {len(value)} characters long; the most is {max_length}")
        elif check is not None:
            self.run_check(name, check, value)
        return value

    def optional_int(self, name: str, check: Callable[[int], None] | None = None) -> int | None:
        value = self._get(name, False)
        if value is None:
            return None
        # bool is an int in Python, but `true` in a file is never meant as a number.
        if not isinstance(value, int) or isinstance(value, bool):
            self.problem(name, f"must be a whole number or null, not {value!r}")
            return None
        if check is not None:
            self.run_check(name, check, value)
        return value

    def slug_list(self, name: str) -> list[str]:
        value = self._get(name, False)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem(name, "must be a list of slugs (strings)")
            return []
        if len(set(value)) < len(value):
            repeated = sorted({slug for slug in value if value.count(slug) > 1})
            self.problem(name, f"lists {', '.join(map(repr, repeated))} more than once")
        return list(value)

    def run_check(self, name: str, check: Callable[[Any], None], value: Any) -> None:
        try:
            check(value)
        except ValueError as error:
            self.problem(name, str(error))

    def reject_unknown_fields(self) -> None:
        for name in sorted(set(self.raw) - self.seen):
            self.problem(name, "is not a field of this record (see docs/import-format.md)")


def _published_at(reader: RecordReader) -> datetime | None:
    raw = reader.text("published_at")
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        reader.problem("published_at", f"{raw!r} is not an ISO 8601 date and time")
        return None
    if moment.tzinfo is None:
        reader.problem("published_at", f"{raw!r} has no time zone (end it with Z or +hh:mm)")
        return None
    return moment.astimezone(UTC)


def _read_section(reader: RecordReader) -> dict[str, Any]:
    return {
        "name": reader.text("name", required=True, max_length=200),
        "country_code": reader.text("country_code", required=True, check=check_country_code),
        "description": reader.text("description"),
        "founded_year": reader.optional_int("founded_year", check_founded_year),
        "website": reader.text("website", max_length=500, check=check_url),
    }


def _read_theme(reader: RecordReader) -> dict[str, Any]:
    return {
        "name": reader.text("name", required=True, max_length=200),
        "description": reader.text("description"),
    }


def _read_person(reader: RecordReader) -> dict[str, Any]:
    return {
        "name": reader.text("name", required=True, max_length=200),
        "role": reader.text("role", max_length=120),
        "bio": reader.text("bio"),
        "photo_url": reader.text("photo_url", max_length=500, check=check_url),
        "section": reader.text("section") or None,  # a slug, resolved to an id when written
        "board_order": reader.optional_int("board_order"),
    }


def _read_post(reader: RecordReader) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": reader.text("title", required=True, max_length=300),
        "excerpt": reader.text("excerpt"),
        "body": sanitize_html(reader.text("body")),
    }
    status = reader.text("status") or PostStatus.DRAFT.value
    if status not in STATUSES:
        reader.problem("status", f"{status!r} is not one of {', '.join(STATUSES)}")
    values["status"] = PostStatus(status) if status in STATUSES else None
    values["published_at"] = _published_at(reader)
    # Published and scheduled posts go public at published_at: without one they never would.
    missing_date = values["published_at"] is None and "published_at" not in reader.failed
    if status in (PostStatus.PUBLISHED.value, PostStatus.SCHEDULED.value) and missing_date:
        reader.problem("published_at", f"is required for a {status} post")
    values["language"] = reader.text("language", max_length=35) or "en"
    problem = _language_problem(values["language"])
    if problem:
        reader.problem("language", problem)
    return values


READERS: Mapping[str, Callable[[RecordReader], dict[str, Any]]] = {
    "sections": _read_section, "themes": _read_theme, "people": _read_person, "posts": _read_post,
}  # fmt: skip


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
    for kind in ("sections", "people", "themes", "posts"):  # the order a reader expects
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
            slug = raw.get("slug")
            if isinstance(slug, str):
                location += f' (slug "{slug}")'
            reader = RecordReader(raw, location, problems)
            slug = reader.text("slug", required=True, check=check_slug)
            values = READERS[kind](reader)
            links = (
                {name: reader.slug_list(name) for name, *_ in POST_LINKS} if kind == "posts" else {}
            )
            reader.reject_unknown_fields()
            if slug in first_seen:
                reader.problem("slug", f'"{slug}" is used again (first by {first_seen[slug]})')
            first_seen.setdefault(slug, f"{kind}[{index}]")
            records[kind].append(Record(kind, location, slug, values, links))
            if index % 1000 == 999:
                progress.advance(1000)
        progress.advance(len(items) % 1000)
    return records


def _references(records: Mapping[str, list[Record]]) -> Iterator[tuple[Record, str, str, str]]:
    """(record, field, kind named, slug named) for every reference between records."""
    for person in records["people"]:
        if person.values["section"]:
            yield person, "section", "sections", person.values["section"]
    for post in records["posts"]:
        for name, kind, *_ in POST_LINKS:
            for slug in post.links[name]:
                yield post, name, kind, slug


async def _slug_ids(kind: str, slugs: Iterable[str]) -> dict[str, int]:
    wanted = sorted(set(slugs))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), QUERY_CHUNK):
        chunk = wanted[start : start + QUERY_CHUNK]
        rows = await MODELS[kind].filter(slug__in=chunk).values_list("slug", "id")
        found.update(rows)
    return found


async def _check_references(records: Mapping[str, list[Record]], problems: list[Problem]) -> None:
    in_file = {kind: {record.slug for record in records[kind]} for kind in KINDS}
    missing: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for _, _, kind, slug in _references(records):
        if slug not in in_file[kind]:
            missing[kind].add(slug)
    in_database = {kind: set(await _slug_ids(kind, slugs)) for kind, slugs in missing.items()}
    singular = {"sections": "section", "themes": "theme", "people": "person", "posts": "post"}
    for record, name, kind, slug in _references(records):
        if slug not in in_file[kind] and slug not in in_database[kind]:
            problems.append(
                Problem(
                    record.location,
                    f'no {singular[kind]} with slug "{slug}" in the file or the database',
                    name,
                )
            )


# --- writing ----------------------------------------------------------------------------------


def _changed(values: Mapping[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if stored.get(name) != value}


async def _upsert(
    kind: str, records: list[Record], report: ImportReport, progress: ImportProgress
) -> tuple[dict[str, int], dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Create new records and update changed ones.

    Returns the id of every record's row, the changes made (all values for a new row) and the
    rows as they were stored before, all keyed by slug.
    """
    model = MODELS[kind]
    columns = list(records[0].values) if records else []
    stored: dict[str, dict[str, Any]] = {}
    slugs = [record.slug for record in records]
    for start in range(0, len(slugs), QUERY_CHUNK):
        chunk = slugs[start : start + QUERY_CHUNK]
        for row in await model.filter(slug__in=chunk).values("id", "slug", *columns):
            stored[row["slug"]] = row
    progress.stage(f"Writing {kind}", len(records))
    new_rows = [model(slug=r.slug, **r.values) for r in records if r.slug not in stored]
    for start in range(0, len(new_rows), INSERT_BATCH):
        batch = new_rows[start : start + INSERT_BATCH]
        await model.bulk_create(batch)
        progress.advance(len(batch))
    report.created[kind] += len(new_rows)
    changes: dict[str, dict[str, Any]] = {}
    for record in records:
        if record.slug not in stored:
            changes[record.slug] = dict(record.values)
            continue
        changed = _changed(record.values, stored[record.slug])
        if changed:
            # QuerySet.update() leaves auto_now columns alone; themes have no timestamps.
            touched: dict[str, Any] = {"version": F("version") + 1}
            if kind != "themes":
                touched["updated_at"] = datetime.now(UTC)
            # The version moves too, so an editor holding the old one gets a conflict rather
            # than silently undoing the import.
            await model.filter(id=stored[record.slug]["id"]).update(**changed, **touched)
            changes[record.slug] = changed
            report.updated[kind] += 1
        else:
            report.unchanged[kind] += 1
        progress.advance(1)
    ids = {slug: row["id"] for slug, row in stored.items()}
    ids.update(await _slug_ids(kind, (r.slug for r in records if r.slug not in stored)))
    return ids, changes, stored


async def _stored_links(
    link_model: type[Model], column: str, post_ids: list[int]
) -> dict[int, list[int]]:
    """What each post links to now, in credit order for authors."""
    stored: dict[int, list[int]] = {}
    ordering = ("position", "id") if link_model is PostAuthor else ("id",)
    for start in range(0, len(post_ids), QUERY_CHUNK):
        chunk = post_ids[start : start + QUERY_CHUNK]
        rows = (
            await link_model.filter(post_id__in=chunk)
            .order_by(*ordering)
            .values_list("post_id", column)
        )
        for post_id, linked_id in rows:
            stored.setdefault(post_id, []).append(linked_id)
    return stored


async def _write_post_links(
    posts: list[Record],
    post_ids: Mapping[str, int],
    existed: Iterable[str],
    changes: dict[str, dict[str, Any]],
    progress: ImportProgress,
) -> set[str]:
    """Make each post's links exactly those of its record; returns the posts relinked."""
    relinked: set[str] = set()
    existing_ids = [post_ids[slug] for slug in existed]  # new posts have no links to compare
    for name, kind, link_model, column in POST_LINKS:
        linked_ids = await _slug_ids(kind, {slug for post in posts for slug in post.links[name]})
        stored = await _stored_links(link_model, column, existing_ids)
        replaced: list[int] = []
        new_links: list[Model] = []
        for post in posts:
            post_id = post_ids[post.slug]
            wanted = [linked_ids[slug] for slug in post.links[name]]
            now = stored.get(post_id, [])
            # Author order is meaningful (the first is named first); theme and section order not.
            if wanted == now or (name != "authors" and set(wanted) == set(now)):
                continue
            changes.setdefault(post.slug, {})[name] = post.links[name]
            relinked.add(post.slug)
            if now:
                replaced.append(post_id)
            for position, linked_id in enumerate(wanted):
                extra = {"position": position} if name == "authors" else {}
                new_links.append(link_model(post_id=post_id, **{column: linked_id}, **extra))
        for start in range(0, len(replaced), QUERY_CHUNK):
            await link_model.filter(post_id__in=replaced[start : start + QUERY_CHUNK]).delete()
        progress.stage(f"Linking post {name}", len(new_links))
        for start in range(0, len(new_links), INSERT_BATCH):
            batch = new_links[start : start + INSERT_BATCH]
            await link_model.bulk_create(batch)
            progress.advance(len(batch))
    return relinked


def _post_event(change: Mapping[str, Any], before: Mapping[str, Any] | None) -> EventKind:
    was = before["status"] if before else None
    status = change.get("status", was)
    if status == PostStatus.PUBLISHED and was != PostStatus.PUBLISHED:
        return EventKind.POST_PUBLISHED
    if was == PostStatus.PUBLISHED and status != PostStatus.PUBLISHED:
        return EventKind.POST_UNPUBLISHED
    return EventKind.POST_UPDATED


def _resolve_sections(people: list[Record], section_ids: Mapping[str, int]) -> None:
    for person in people:
        slug = person.values.pop("section")
        person.values["section_id"] = section_ids[slug] if slug else None


async def _write(records: dict[str, list[Record]], progress: ImportProgress) -> ImportReport:
    report = ImportReport()
    for kind in KINDS:
        if kind == "people":
            wanted = {r.values["section"] for r in records[kind] if r.values["section"]}
            _resolve_sections(records[kind], await _slug_ids("sections", wanted))
        ids, changes, before = await _upsert(kind, records[kind], report, progress)
        changed = set(changes)
        if kind == "posts":
            relinked = await _write_post_links(records[kind], ids, before, changes, progress)
            # A post whose only change is its links was counted unchanged by _upsert.
            relinked_only = sum(1 for slug in relinked if slug in before and slug not in changed)
            report.updated[kind] += relinked_only
            report.unchanged[kind] -= relinked_only
        for slug, change in changes.items():
            event_kind = (
                _post_event(change, before.get(slug)) if kind == "posts" else CHANGED_EVENTS[kind]
            )
            event = ContentEvent(event_kind, TYPE_NAMES[kind], ids[slug], slug, _jsonable(change))
            report.events.append(event)
    return report


def _jsonable(change: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in change.items()
    }


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
        await _check_references(records, problems)
        if problems:
            raise InvalidContent(problems)
        report = await _write(records, progress)
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


# --- exporting --------------------------------------------------------------------------------


def _timestamp(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


async def _post_links() -> dict[str, dict[int, list[str]]]:
    """Slugs each post links to, by link field: authors in credit order, the rest by slug."""
    links: dict[str, dict[int, list[str]]] = {}
    for name, _, link_model, column in POST_LINKS:
        target = column.removesuffix("_id")
        rows = await link_model.all().values("post_id", f"{target}__slug", "id")
        if name == "authors":
            positions = dict(await PostAuthor.all().values_list("id", "position"))
            rows.sort(key=lambda row: (positions[row["id"]], row["id"]))
        else:
            rows.sort(key=lambda row: row[f"{target}__slug"])
        by_post: dict[int, list[str]] = {}
        for row in rows:
            by_post.setdefault(row["post_id"], []).append(row[f"{target}__slug"])
        links[name] = by_post
    return links


def _person_entry(row: Mapping[str, Any]) -> dict[str, Any]:
    entry = {name: row[name] for name in ("slug", "name", "role", "bio", "photo_url")}
    return {**entry, "section": row["section__slug"], "board_order": row["board_order"]}


def _post_entry(
    row: Mapping[str, Any], links: Mapping[str, Mapping[int, list[str]]]
) -> dict[str, Any]:
    return {
        **{name: row[name] for name in ("slug", "title", "excerpt", "body")},
        "status": PostStatus(row["status"]).value,
        "published_at": _timestamp(row["published_at"]),
        "language": row["language"],
        **{name: links[name].get(row["id"], []) for name, *_ in POST_LINKS},
    }


def _by_slug(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    # Sorted here, not in SQL: PostgreSQL's collation may order hyphens unlike SQLite's.
    return sorted(entries, key=lambda entry: str(entry["slug"]))


async def export_content() -> dict[str, Any]:
    """Every section, person, theme and post in the import format, each list sorted by slug."""
    sections = await Section.all().values(
        "slug", "name", "country_code", "description", "founded_year", "website"
    )
    people = await Person.all().values(
        "slug", "name", "role", "bio", "photo_url", "section__slug", "board_order"
    )
    themes = await Theme.all().values("slug", "name", "description")
    posts = await Post.all().values(
        "id", "slug", "title", "excerpt", "body", "status", "published_at", "language"
    )
    links = await _post_links()
    return {
        "version": FORMAT_VERSION,
        "sections": _by_slug(sections),
        "people": _by_slug(map(_person_entry, people)),
        "themes": _by_slug(themes),
        "posts": _by_slug(_post_entry(row, links) for row in posts),
    }


def dump_json(document: Mapping[str, Any]) -> bytes:
    """The file form of a document: UTF-8, two-space indents, keys in documented order."""
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"
