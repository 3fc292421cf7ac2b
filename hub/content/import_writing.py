"""Writing checked records: new ones created, changed ones updated (their version moved),
link lists made exactly those of the file; only what really changed becomes a content event.
Runs inside the import's transaction, a batch of checked records at a time, in write order:
every record a batch names by slug is written already, by an earlier type or an earlier import.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import F
from tortoise.models import Model

from hub.content.content_type import ContentType
from hub.content.core_types import POST
from hub.content.exchange import (
    INSERT_BATCH,
    QUERY_CHUNK,
    ImportProgress,
    ImportReport,
    Record,
    slug_ids,
)
from hub.content.field_kinds import ColumnKind
from hub.content.import_reading import FileCheck
from hub.content.link_lists import Link
from hub.content.models import PostStatus
from hub.content.record_extras import record_extra
from hub.content.redirects import remember_old_slug
from hub.content.registry import ContentTypes
from hub.content.spool import Spool
from hub.events import ContentEvent, EventKind
from hub.graphql.nodes import node_key


def _changed(values: Mapping[str, Any], stored: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if stored.get(name) != value}


async def _resolve_references(
    types: ContentTypes, declared: ContentType, records: list[Record]
) -> None:
    """Replace each reference's slug (``section``) by the row id it names (``section_id``)."""
    for spec in declared.writable:
        if spec.kind is not ColumnKind.FOREIGN_KEY:
            continue
        wanted = {r.values[spec.name] for r in records if r.values.get(spec.name)}
        ids = await slug_ids(types[spec.target or ""], wanted)
        for record in records:
            slug = record.values.pop(spec.name, None)
            record.values[spec.column] = ids[slug] if slug else None


async def _upsert(
    declared: ContentType, records: list[Record], report: ImportReport
) -> tuple[dict[str, int], dict[str, str], dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Create new records and update changed ones.

    Returns the id and the public id of every record's row, the changes made (all values for a
    new row) and the rows as they were stored before, all keyed by slug.
    """
    kind, model = declared.plural, declared.model
    columns = list(records[0].values) if records else []
    stored: dict[str, dict[str, Any]] = {}
    slugs = [record.slug for record in records]
    for start in range(0, len(slugs), QUERY_CHUNK):
        chunk = slugs[start : start + QUERY_CHUNK]
        for row in await model.filter(slug__in=chunk).values("id", "public_id", "slug", *columns):
            stored[row["slug"]] = row
    renamed = await _renamed(declared, [r for r in records if r.slug not in stored], columns)
    stored.update(renamed)
    # A new object takes the public id its record gives (its global IDs stay the same across
    # databases), else a new one; a stored object keeps its own.
    public_ids = {slug: node_key(row["public_id"]) for slug, row in stored.items()}
    new_rows = []
    for record in records:
        if record.slug not in stored:
            public_id = public_ids[record.slug] = record.public_id or str(uuid.uuid4())
            new_rows.append(model(slug=record.slug, public_id=public_id, **record.values))
    for start in range(0, len(new_rows), INSERT_BATCH):
        batch = new_rows[start : start + INSERT_BATCH]
        await model.bulk_create(batch)
    report.created[kind] += len(new_rows)
    changes: dict[str, dict[str, Any]] = {}
    for record in records:
        if record.slug not in stored:
            changes[record.slug] = dict(record.values)
            continue
        changed = _changed(record.values, stored[record.slug])
        if record.slug in renamed:
            changed["slug"] = record.slug
        if changed:
            # The version moves too, so an editor holding the old one gets a conflict rather
            # than silently undoing the import (a plugin's model may have none).
            touched: dict[str, Any] = (
                {"version": F("version") + 1} if "version" in model._meta.fields_map else {}
            )
            if declared.timestamped:  # QuerySet.update() leaves auto_now columns alone
                touched["updated_at"] = datetime.now(UTC)
            await model.filter(id=stored[record.slug]["id"]).update(**changed, **touched)
            changes[record.slug] = changed
            report.updated[kind] += 1
        else:
            report.unchanged[kind] += 1
    ids = {slug: row["id"] for slug, row in stored.items()}
    ids.update(await slug_ids(declared, (r.slug for r in records if r.slug not in stored)))
    return ids, public_ids, changes, stored


async def _renamed(
    declared: ContentType, records: list[Record], columns: list[str]
) -> dict[str, dict[str, Any]]:
    """Stored rows the file renames (a record giving their public id with another slug,
    checked by the reading), by their new slug; the old one stays in ``slug``."""
    wanted = {record.public_id: record.slug for record in records if record.public_id}
    found: dict[str, dict[str, Any]] = {}
    given = list(wanted)
    for start in range(0, len(given), QUERY_CHUNK):
        rows = await declared.model.filter(public_id__in=given[start : start + QUERY_CHUNK]).values(
            "id", "public_id", "slug", *columns
        )
        for row in rows:
            found[wanted[node_key(row["public_id"])]] = row
    if declared is POST:
        for new_slug, row in found.items():
            await remember_old_slug(row["id"], row["slug"], new_slug)
    return found


async def _stored_links(link: Link, owner_ids: list[int]) -> dict[int, list[int]]:
    """What each owner links to now, in credit order for ordered links."""
    stored: dict[int, list[int]] = {}
    ordering = ("position", "id") if link.ordered else ("id",)
    for start in range(0, len(owner_ids), QUERY_CHUNK):
        chunk = owner_ids[start : start + QUERY_CHUNK]
        rows = (
            await link.through.filter(**{f"{link.owner_column}__in": chunk})
            .order_by(*ordering)
            .values_list(link.owner_column, link.column)
        )
        for owner_id, linked_id in rows:
            stored.setdefault(owner_id, []).append(linked_id)
    return stored


async def write_links(
    types: ContentTypes,
    declared: ContentType,
    records: list[Record],
    ids: Mapping[str, int],
    existed: Iterable[str],
    changes: dict[str, dict[str, Any]],
) -> set[str]:
    """Make each record's link lists exactly those of the file; returns the records relinked."""
    relinked: set[str] = set()
    existing_ids = [ids[slug] for slug in existed]  # new rows have no links to compare
    for name, link in declared.links.items():
        target = types[link.target]
        linked_ids = await slug_ids(target, {slug for r in records for slug in r.links[name]})
        stored = await _stored_links(link, existing_ids)
        replaced: list[int] = []
        new_links: list[Model] = []
        for record in records:
            owner_id = ids[record.slug]
            wanted = [linked_ids[slug] for slug in record.links[name]]
            now = stored.get(owner_id, [])
            # The order of ordered links is meaningful (the first author is named first).
            if wanted == now or (not link.ordered and set(wanted) == set(now)):
                continue
            changes.setdefault(record.slug, {})[name] = record.links[name]
            relinked.add(record.slug)
            if now:
                replaced.append(owner_id)
            for position, linked_id in enumerate(wanted):
                extra = {"position": position} if link.ordered else {}
                new_links.append(
                    link.through(**{link.owner_column: owner_id, link.column: linked_id}, **extra)
                )
        for start in range(0, len(replaced), QUERY_CHUNK):
            chunk = replaced[start : start + QUERY_CHUNK]
            await link.through.filter(**{f"{link.owner_column}__in": chunk}).delete()
        for start in range(0, len(new_links), INSERT_BATCH):
            await link.through.bulk_create(new_links[start : start + INSERT_BATCH])
    return relinked


def _post_event(change: Mapping[str, Any], before: Mapping[str, Any] | None) -> EventKind:
    was = before["status"] if before else None
    status = change.get("status", was)
    if status == PostStatus.PUBLISHED and was != PostStatus.PUBLISHED:
        return EventKind.POST_PUBLISHED
    if was == PostStatus.PUBLISHED and status != PostStatus.PUBLISHED:
        return EventKind.POST_UNPUBLISHED
    return EventKind.POST_UPDATED


def _jsonable(change: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: value.isoformat() if isinstance(value, datetime) else value
        for name, value in change.items()
    }


async def _write_batch(
    types: ContentTypes,
    declared: ContentType,
    records: list[Record],
    report: ImportReport,
    events: Spool[ContentEvent],
) -> None:
    kind = declared.plural
    await _resolve_references(types, declared, records)
    ids, public_ids, changes, before = await _upsert(declared, records, report)
    changed = set(changes)
    extra = record_extra(declared)
    if extra is not None:
        await extra.write(ids, {record.slug: record.extras for record in records})
    if declared.links:
        relinked = await write_links(types, declared, records, ids, before, changes)
        # A record whose only change is its links was counted unchanged by _upsert.
        relinked_only = sum(1 for slug in relinked if slug in before and slug not in changed)
        report.updated[kind] += relinked_only
        report.unchanged[kind] -= relinked_only
    for slug, change in changes.items():
        event_kind = (
            _post_event(change, before.get(slug)) if declared is POST else declared.changed_event
        )
        event = ContentEvent(
            event_kind,
            declared.name,
            ids[slug],
            slug,
            _jsonable(change),
            public_id=public_ids[slug],
        )
        events.append(event)


async def write_records(
    types: ContentTypes, check: FileCheck, progress: ImportProgress, events: Spool[ContentEvent]
) -> ImportReport:
    """Write every checked record of ``check``; the content events go to ``events``."""
    report = ImportReport.empty(types)
    for declared in types.exchanged:
        records = check.records[declared.plural]
        progress.stage(f"Writing {declared.plural}", records.count)
        for batch in records.batches(INSERT_BATCH):
            await _write_batch(types, declared, batch, report, events)
            progress.advance(len(batch))
    return report
