"""Keeping the index in step with the content: one event at a time, or all of it at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Protocol

from hub import ContentEvent
from hub_search.backends import current_backend
from hub_search.documents import Searchable
from hub_search.models import IndexBuild

BATCH_SIZE = 500


async def apply_events(
    searchables: Mapping[str, Searchable], events: Sequence[ContentEvent]
) -> None:
    """Re-read the objects the events name and update or remove their documents, in batches.

    Objects are read again rather than trusting the events' ``changes``: the index then always
    holds what is stored, whatever order events arrive in. Theme events need nothing: theme
    facets and filters read the theme links when a search runs.
    """
    backend = current_backend()
    by_type: dict[str, dict[int, bool]] = {}
    for event in events:  # the last event about an object decides: deleted or not
        if event.type_name in searchables:
            by_type.setdefault(event.type_name, {})[event.pk] = event.kind.endswith(".deleted")
    for type_name, deleted_by_pk in by_type.items():
        searchable = searchables[type_name]
        pks = list(deleted_by_pk)
        for start in range(0, len(pks), BATCH_SIZE):
            chunk = pks[start : start + BATCH_SIZE]
            alive = [pk for pk in chunk if not deleted_by_pk[pk]]
            documents = await searchable.documents(alive) if alive else []
            if documents:
                await backend.upsert(type_name, documents)
            found = {document.pk for document in documents}
            gone = [pk for pk in chunk if pk not in found]
            if gone:
                await backend.delete(type_name, gone)


class ReindexProgress(Protocol):
    def start(self, type_name: str, total: int) -> None: ...

    def advance(self, amount: int) -> None: ...


async def reindex(
    searchables: Mapping[str, Searchable], progress: ReindexProgress
) -> dict[str, int]:
    """Build a new index aside, swap it in, then catch up with changes made meanwhile.

    Searches keep using the old index until the swap, which is one short transaction.
    Returns the number of documents indexed per type.
    """
    backend = current_backend()
    started = datetime.now(UTC)
    indexed: dict[str, int] = {}
    async with backend.rebuild() as writer:
        for searchable in searchables.values():
            pks = list(await searchable.all_pks())
            progress.start(searchable.type_name, len(pks))
            indexed[searchable.type_name] = 0
            for start in range(0, len(pks), BATCH_SIZE):
                batch = pks[start : start + BATCH_SIZE]
                documents = await searchable.documents(batch)
                await writer.write(searchable.type_name, documents)
                indexed[searchable.type_name] += len(documents)
                progress.advance(len(batch))
    for searchable in searchables.values():
        if searchable.changed_since is not None:
            changed = list(await searchable.changed_since(started))
            if changed:
                await backend.upsert(searchable.type_name, await searchable.documents(changed))
    await IndexBuild.create(
        started_at=started, finished_at=datetime.now(UTC), documents=sum(indexed.values())
    )
    return indexed
