"""GraphQL types of the events plugin, and the field it adds to the core ``Section``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import strawberry

from hub import Info, SectionRef, ref, served
from hub_events.content import EVENT

if TYPE_CHECKING:
    EventRef: TypeAlias = Any
else:
    # The schema composes "Event" from this body and other plugins' extensions: refer by name.
    EventRef = ref("Event")


class EventExtras:
    """What the declaration cannot say: who takes part (the plugin's own relation)."""

    @strawberry.field(description="The hub sections taking part, in the order they are listed.")
    async def sections(self, info: Info) -> list[SectionRef]:
        event_id: int = self.id  # type: ignore[attr-defined]
        participants: list[Participant] = await info.context.loaders["events_participants"].load(
            event_id
        )
        section_ids = [p.section_id for p in participants if p.section_id is not None]
        # The core's own loader builds the Section objects: one batched statement for all events.
        sections = await info.context.loaders["section_by_id"].load_many(section_ids)
        return [section for section in sections if section is not None]

    @strawberry.field(
        description="Everyone taking part, sections and others (networks, representatives)."
    )
    async def participants(self, info: Info) -> list[EventParticipantType]:
        event_id: int = self.id  # type: ignore[attr-defined]
        participants: list[Participant] = await info.context.loaders["events_participants"].load(
            event_id
        )
        return [EventParticipantType(name=p.name, section_id=p.section_id) for p in participants]


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
    events: list[EventRef] = await info.context.loaders["events_by_section"].load(
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


#: The GraphQL API derived from the declaration: the ``Event`` type (its times served in the
#: event's own zone by ``from_row``), its loaders and ``createEvent``/``updateEvent``/
#: ``deleteEvent``. The lists (``events(upcoming, section)``) stay the plugin's own: "upcoming"
#: and "taking part" are not declared fields.
EVENTS = served(EVENT, EventExtras)
#: The ``Event`` type; ``EventType.from_row`` makes one from a row of ``EVENT.row_columns``.
EventType: Any = EVENTS.node
