"""The event, declared once: its fields, limits and checks, read by every part of the hub.

The hub derives from it the ``Event`` GraphQL type and its loaders (times served in the event's
own zone), ``createEvent``/``updateEvent``/``deleteEvent`` with versions, audit and the scope
``events:write``, the validation shared by imports and mutations (the period rule below runs on
both), import/export records, search documents (the ``searchable`` fields) and the content events
``event.changed`` and ``event.deleted``. Participants (a section or anyone by name) stay the
plugin's own relation.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any

from tortoise.exceptions import ValidationError

from hub import ContentType, Editing, declare
from hub_events import models
from hub_events.validation import check_period

#: Who may create, change and delete events (``hub_events.plugin.register_scopes``).
WRITE = "events:write"


def _a_period(event: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """The model's own rule (``check_period``): an event ends after it starts, and an all-day
    event runs from midnight to midnight in its time zone."""
    starts, ends, zone = event.get("starts_at"), event.get("ends_at"), event.get("timezone")
    if not (isinstance(starts, datetime) and isinstance(ends, datetime) and zone):
        return  # a missing or malformed part is reported on its own field
    try:
        check_period(starts, ends, zone, bool(event.get("all_day")))
    except ValidationError as error:
        yield "ends_at", str(error)


EVENT = ContentType(
    "Event",
    models.Event,
    plural="events",
    description="A congress, meeting or action that sections take part in.",
    fields={
        "slug": declare.slug(),
        "title": declare.short_text(300, required=True, searchable=True),
        "description": declare.text(searchable=True),
        "starts_at": declare.datetime_field(
            required=True,
            indexed=True,
            filterable=True,
            local_to="timezone",
            description="When it starts, with the UTC offset of its time zone at that moment.",
        ),
        # Filtering upcoming events reads ends_at: an event in progress is still upcoming.
        "ends_at": declare.datetime_field(
            required=True,
            indexed=True,
            filterable=True,
            local_to="timezone",
            description=(
                "When it ends, never before `startsAt`. For an all-day event, midnight after its "
                "last day (as iCalendar's DTEND)."
            ),
        ),
        "timezone": declare.time_zone(
            description="The IANA time zone it takes place in, such as Europe/Madrid."
        ),
        "all_day": declare.boolean(
            description=(
                "Whether it takes whole days in its time zone: `startsAt` is midnight of the "
                "first day and `endsAt` midnight after the last, so its dates are the same for "
                "everyone."
            )
        ),
        "venue": declare.short_text(300, searchable=True),
        "city": declare.short_text(200, searchable=True),
        "country_code": declare.country_code(
            required=False,
            default="",
            blank_as_null=True,
            description="ISO 3166-1 alpha-2 code, such as ES; null for an event without a place.",
        ),
        "url": declare.url(description="The event's own web page, if any."),
        "updated_at": declare.datetime_field(read_only=True, on_type=False),
    },
    checks=(_a_period,),
    editing=Editing(
        scopes=(WRITE,),
        descriptions={
            "create": "Create an event. An all-day event runs from midnight to midnight in its "
            "`timezone`; `endsAt` is midnight after its last day.",
            "update": "Change an event: fields left out stay as they are. `version` is the one "
            "you read; a stale one is a CONFLICT.",
            "delete": "Delete an event; its list of participants goes with it.",
        },
    ),
)
