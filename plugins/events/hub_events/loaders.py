"""Per-request DataLoaders of the events plugin: one SQL statement per batch of keys."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from strawberry.dataloader import DataLoader

from hub import Context, LoaderFactory
from hub_events.content import EVENT
from hub_events.models import EventParticipant
from hub_events.timing import ordering, when
from hub_events.types import EVENTS, EventRef, EventType, Participant

#: The columns an event is read with, from its declaration.
EVENT_FIELDS = EVENT.row_columns

SectionKey = tuple[int, bool | None]


def _participants(context: Context) -> DataLoader[int, list[Participant]]:
    async def load(event_ids: Sequence[int]) -> list[list[Participant]]:
        rows = await (
            EventParticipant.filter(event_id__in=list(event_ids))
            .order_by("event_id", "position", "id")
            .values("event_id", "name", "section_id", section_name="section__name")
        )
        groups: dict[int, list[Participant]] = defaultdict(list)
        for row in rows:
            name = row["section_name"] if row["section_id"] is not None else row["name"]
            groups[row["event_id"]].append(Participant(name=name, section_id=row["section_id"]))
        return [groups.get(key, []) for key in event_ids]

    return DataLoader(load_fn=load)


def _events_by_section(context: Context) -> DataLoader[SectionKey, list[EventRef]]:
    """Keyed by (section id, upcoming): one statement per distinct ``upcoming`` in the batch."""
    selected = {f"event_{field}": f"event__{field}" for field in EVENT_FIELDS}

    async def load(keys: Sequence[SectionKey]) -> list[list[EventRef]]:
        groups: dict[SectionKey, list[EventRef]] = defaultdict(list)
        for upcoming in dict.fromkeys(upcoming for _, upcoming in keys):
            section_ids = [section for section, wanted in keys if wanted is upcoming]
            rows = await (
                EventParticipant.filter(when(upcoming, context.now, prefix="event__"))
                .filter(section_id__in=section_ids)
                .values("section_id", **selected)
            )
            for row in rows:
                event = {field: row[f"event_{field}"] for field in EVENT_FIELDS}
                groups[(row["section_id"], upcoming)].append(EventType.from_row(event))
            newest_first = ordering(upcoming).columns[0].descending
            for section in section_ids:
                groups[(section, upcoming)].sort(
                    key=lambda event: (event.starts_at, event.id), reverse=newest_first
                )
        return [groups.get(key, []) for key in keys]

    return DataLoader(load_fn=load)


def dataloaders() -> Mapping[str, LoaderFactory]:
    """The plugin's own loaders, and those derived from the declaration (``event_by_id``, ...)."""
    return {
        **EVENTS.loaders,
        "events_participants": _participants,
        "events_by_section": _events_by_section,
    }
