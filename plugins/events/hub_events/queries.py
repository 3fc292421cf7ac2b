"""Root query fields of the events plugin."""

from __future__ import annotations

from typing import Any

import strawberry
from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from hub import Connection, Info, PageArgs, paginate, slug_argument
from hub_events.loaders import EVENT_FIELDS
from hub_events.models import Event, EventParticipant
from hub_events.timing import ordering, when
from hub_events.types import EventRef, EventType


def events_of_section(queryset: QuerySet[Any], section_slug: str) -> QuerySet[Any]:
    return queryset.filter(
        id__in=Subquery(EventParticipant.filter(section__slug=section_slug).values("event_id"))
    )


@strawberry.type
class EventQueries:
    @strawberry.field(
        description=(
            "Events. `upcoming: true`: not yet ended, soonest first; `false`: ended, most "
            "recent first; null: all, earliest first. `section` is a section slug."
        )
    )
    async def events(
        self,
        info: Info,
        upcoming: bool | None = None,
        section: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[EventRef]:
        queryset = Event.filter(when(upcoming, info.context.now))
        if section is not None:
            queryset = events_of_section(queryset, slug_argument("section", section))
        page = await paginate(
            queryset, ordering(upcoming), PageArgs(first, after, last, before), EVENT_FIELDS
        )
        return Connection.from_page(page, EventType.from_row)

    @strawberry.field(description="An event by its slug, or null.")
    async def event(self, info: Info, slug: str) -> EventRef | None:
        row = await Event.filter(slug=slug_argument("slug", slug)).first().values(*EVENT_FIELDS)
        return EventType.from_row(row) if row else None
