"""GraphQL types of the events plugin, and the field it adds to the core ``Section``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, TypeAlias

import strawberry
from strawberry import relay

from hub import Info, RowReader, SectionRef, nodes_by_pk, ref, row_reader
from hub_events.content import EVENT

if TYPE_CHECKING:
    EventRef: TypeAlias = "EventType"
else:
    # The schema composes "Event" from this body and other plugins' extensions: refer by name.
    EventRef = ref("Event")


def _described(name: str) -> str:
    return EVENT.fields[name].description


@strawberry.type(name="Event", description=EVENT.description)
class EventType(relay.Node):
    id: relay.NodeID[int]
    # Read with the row (row_columns); the stable id export and import carry.
    public_id: strawberry.Private[str | None] = None
    slug: str
    title: str
    description: str
    starts_at: datetime = strawberry.field(description=_described("starts_at"))
    ends_at: datetime = strawberry.field(description=_described("ends_at"))
    timezone: str = strawberry.field(description=_described("timezone"))
    all_day: bool = strawberry.field(description=_described("all_day"))
    venue: str
    city: str
    country_code: str | None = strawberry.field(description=_described("country_code"))
    url: str | None = strawberry.field(description=_described("url"))
    from_row: ClassVar[RowReader[EventType]]

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[EventType | None]:
        events: list[EventType | None] = await nodes_by_pk(info, "events_by_id", node_ids, required)
        return events

    @strawberry.field(description="The hub sections taking part, in the order they are listed.")
    async def sections(self, info: Info) -> list[SectionRef]:
        participants: list[Participant] = await info.context.loaders["events_participants"].load(
            self.id
        )
        section_ids = [p.section_id for p in participants if p.section_id is not None]
        # The core's own loader builds the Section objects: one batched statement for all events.
        sections = await info.context.loaders["section_by_id"].load_many(section_ids)
        return [section for section in sections if section is not None]

    @strawberry.field(
        description="Everyone taking part, sections and others (networks, representatives)."
    )
    async def participants(self, info: Info) -> list[EventParticipantType]:
        participants: list[Participant] = await info.context.loaders["events_participants"].load(
            self.id
        )
        return [EventParticipantType(name=p.name, section_id=p.section_id) for p in participants]


#: Makes an ``EventType`` from a row of ``EVENT.row_columns``, its times in its own zone (the
#: database gives UTC; the event's offsets say what time it is where it happens).
EventType.from_row = row_reader(EVENT, EventType)


@dataclass(frozen=True)
class Participant:
    """A participant row as the loader reads it (``name`` is the section's when it is one)."""

    name: str
    section_id: int | None


@strawberry.type(name="EventParticipant", description="Someone taking part in an event.")
class EventParticipantType:
    name: str = strawberry.field(description="The section's name, or the participant's own.")
    section_id: strawberry.Private[int | None]

    @strawberry.field(description="The hub section, when the participant is one.")
    async def section(self, info: Info) -> SectionRef | None:
        if self.section_id is None:
            return None
        section: SectionRef | None = await info.context.loaders["section_by_id"].load(
            self.section_id
        )
        return section


async def section_events(
    root: SectionRef, info: Info, upcoming: bool | None = None
) -> list[EventRef]:
    events: list[EventType] = await info.context.loaders["events_by_section"].load(
        (root.id, upcoming)
    )
    return events


@strawberry.type
class SectionEventFields:
    """Added to the core ``Section``: the events it takes part in."""

    events: list[EventRef] = strawberry.field(
        resolver=section_events,
        description=(
            "Events this section takes part in, by start. `upcoming: true`: not yet ended, "
            "soonest first; `false`: ended, most recent first; null: all, earliest first."
        ),
    )
