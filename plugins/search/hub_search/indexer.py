"""Keeping the index in step with the content: one event at a time, or all of it at once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Protocol

from hub import ContentEvent
from hub_search.backends import current_backend
from hub_search.documents import Searchable
from hub_search.models import IndexBuild

BATCH_SIZE = 500


async def apply_event(searchables: Mapping[str, Searchable], event: ContentEvent) -> None:
    """Re-read the object an event names and update or remove its document.

    The object is read again rather than trusting the event's ``changes``: the index then
    always holds what is stored, whatever order events arrive in. Theme events need nothing:
    theme facets and filters read the theme links when a search runs.
    """
    searchable = searchables.get(event.type_name)
    if searchable is None:
        return
    backend = current_backend()
    documents = [] if event.kind.endswith(".deleted") else await searchable.documents([event.pk])
    if documents:
        await backend.upsert(searchable.type_name, documents)
    else:
        await backend.delete(searchable.type_name, [event.pk])


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
