"""The iCalendar feed (RFC 5545) at ``/events/calendar.ics``, built with the icalendar package.

The package does the parts that are easy to get wrong by hand: text escaping, CRLF line ends,
folding lines at 75 octets without splitting a UTF-8 character, and the VTIMEZONE components
that times with a TZID need.

Times are written so that every calendar shows what the organisers meant, wherever the reader
is: an all-day event as dates (``DTSTART;VALUE=DATE``, with the exclusive ``DTEND`` RFC 5545
asks for), a timed event as wall-clock times in its own zone (``DTSTART;TZID=Europe/Madrid``),
and an event in UTC as UTC (``...Z``, which needs no VTIMEZONE).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from hub import Section, Settings, check_slug
from hub_events.loaders import EVENT_FIELDS
from hub_events.models import Event
from hub_events.queries import events_of_section
from hub_events.settings import calendar_name, uid_domain
from hub_events.validation import country_name

PRODID = "-//hub//hub-events//EN"
MEDIA_TYPE = "text/calendar; charset=utf-8"


def location(row: dict[str, Any]) -> str:
    country = country_name(row["country_code"]) if row["country_code"] else ""
    return ", ".join(part for part in (row["venue"], row["city"], country) if part)


def calendar_times(row: dict[str, Any]) -> tuple[date | datetime, date | datetime]:
    """DTSTART and DTEND: dates for an all-day event, else times in the event's own zone."""
    zone = ZoneInfo(row["timezone"])
    starts_at: datetime = row["starts_at"].astimezone(zone)
    ends_at: datetime = row["ends_at"].astimezone(zone)
    if row["all_day"]:
        # Midnights in the event's zone (checked on save): the last day ends at ends_at's date.
        return starts_at.date(), ends_at.date()
    return starts_at, ends_at


def vevent(row: dict[str, Any], domain: str) -> icalendar.Event:
    event = icalendar.Event()
    # Stable across edits and feeds, so calendar apps update the event instead of adding one.
    event.add("uid", f"event-{row['slug']}@{domain}")
    # In a feed without METHOD, DTSTAMP is when the information last changed (RFC 5545 3.8.7.2).
    event.add("dtstamp", row["updated_at"].astimezone(UTC))
    starts, ends = calendar_times(row)
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("summary", row["title"])
    if place := location(row):
        event.add("location", place)
    if row["description"]:
        event.add("description", row["description"])
    if row["url"]:
        event.add("url", row["url"])
    return event


def build_calendar(rows: Sequence[dict[str, Any]], name: str, domain: str) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    for row in rows:
        calendar.add_component(vevent(row, domain))
    if rows:
        # One VTIMEZONE per zone used, with its rules over the whole years the events span.
        calendar.add_missing_timezones(
            first_date=date(min(row["starts_at"] for row in rows).year - 1, 12, 31),
            last_date=date(max(row["ends_at"] for row in rows).year + 1, 1, 2),
        )
    ics: bytes = calendar.to_ical()
    return ics


def calendar_routes(settings: Settings) -> list[BaseRoute]:
    async def calendar_feed(request: Request) -> Response:
        name = calendar_name(settings)
        queryset = Event.all()
        slug = request.query_params.get("section")
        if slug is not None:
            try:
                check_slug(slug)
            except ValueError as error:
                return PlainTextResponse(f"section: {error}.", status_code=400)
            section = await Section.filter(slug=slug).first().values("name")
            if section is None:
                return PlainTextResponse(
                    f"No section has the slug {slug!r}: use a slug from the sections query.",
                    status_code=404,
                )
            name = f"{name}: {section['name']}"
            queryset = events_of_section(queryset, slug)
        rows = await queryset.order_by("starts_at", "id").values(
            *EVENT_FIELDS
        )  # updated_at is declared: LAST-MODIFIED reads it
        domain = uid_domain(settings) or request.url.hostname or "localhost"
        return Response(
            build_calendar(rows, name, domain),
            headers={
                "content-type": MEDIA_TYPE,
                "content-disposition": 'inline; filename="calendar.ics"',
            },
        )

    return [Route("/events/calendar.ics", calendar_feed, methods=["GET"], name="events_calendar")]
