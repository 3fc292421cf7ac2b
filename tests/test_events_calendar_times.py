"""Event times mean the same everywhere: in the calendar feed, in GraphQL, and for every viewer.

A calendar app shows a ``DATE`` value as that date in any zone, and converts a time (UTC or with a
TZID) to the viewer's zone; ``shown_date`` does the same, so the tests read as "what a reader in
Honolulu or Kiritimati sees".
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import hub_events.plugin
import icalendar
import pytest
from hub_events.demo import IPB_CONGRESS_SLUG
from hub_events.models import Event
from starlette.applications import Starlette
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.exceptions import ValidationError
from tortoise.migrations.api import migrate

from hub.database import apply_migrations, open_database
from hub.db import config_for
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from tests.conftest import GraphQLClient

MADRID = ZoneInfo("Europe/Madrid")
#: Viewers as far apart as the world allows: UTC-10 and UTC+14.
VIEWERS = [ZoneInfo("Pacific/Honolulu"), ZoneInfo("Pacific/Kiritimati"), ZoneInfo("UTC")]


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_events.plugin]


def shown_date(value: date | datetime, viewer: ZoneInfo) -> date:
    """The date a calendar app in ``viewer``'s zone shows for a DTSTART or DTEND value."""
    if isinstance(value, datetime):
        return value.astimezone(viewer).date()
    return value


async def feed(client: httpx.AsyncClient) -> tuple[bytes, icalendar.Calendar]:
    response = await client.get("/events/calendar.ics")
    assert response.status_code == 200, response.text
    return response.content, icalendar.Calendar.from_ical(response.content)


def vevent(calendar: icalendar.Calendar, uid_slug: str) -> Any:
    (found,) = [
        e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith(f"event-{uid_slug}@")
    ]
    return found


async def congress(**fields: Any) -> Event:
    values: dict[str, Any] = {
        "slug": "congress",
        "title": "World Peace Congress",
        "starts_at": datetime(2021, 10, 15, tzinfo=MADRID),
        "ends_at": datetime(2021, 10, 18, tzinfo=MADRID),
        "timezone": "Europe/Madrid",
        "all_day": True,
    }
    return await Event.create(**{**values, **fields})


# --- the feed ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("app")
async def test_an_all_day_event_has_the_same_dates_for_a_viewer_anywhere(
    client: httpx.AsyncClient,
) -> None:
    await congress()

    content, calendar = await feed(client)
    event = vevent(calendar, "congress")

    assert b"DTSTART;VALUE=DATE:20211015\r\n" in content
    assert b"DTEND;VALUE=DATE:20211018\r\n" in content  # exclusive: the 17th is the last day
    for viewer in VIEWERS:
        assert shown_date(event.decoded("DTSTART"), viewer) == date(2021, 10, 15), viewer
        assert shown_date(event.decoded("DTEND"), viewer) == date(2021, 10, 18), viewer
    assert calendar.walk("VTIMEZONE") == []  # dates need no zone


@pytest.mark.usefixtures("app")
async def test_a_timed_event_is_written_in_its_own_zone_with_a_vtimezone(
    client: httpx.AsyncClient,
) -> None:
    await congress(
        slug="plenary",
        starts_at=datetime(2030, 10, 15, 9, 30, tzinfo=MADRID),
        ends_at=datetime(2030, 10, 15, 12, tzinfo=MADRID),
        all_day=False,
    )

    content, calendar = await feed(client)
    event = vevent(calendar, "plenary")
    (zone,) = calendar.walk("VTIMEZONE")

    assert b"DTSTART;TZID=Europe/Madrid:20301015T093000\r\n" in content
    assert b"DTEND;TZID=Europe/Madrid:20301015T120000\r\n" in content
    assert event.decoded("DTSTART") == datetime(2030, 10, 15, 7, 30, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2030, 10, 15, 10, tzinfo=UTC)
    # 09:30 in Madrid (07:30 UTC) is 21:30 the evening before in Honolulu.
    assert event.decoded("DTSTART").astimezone(VIEWERS[0]) == datetime(
        2030, 10, 14, 21, 30, tzinfo=VIEWERS[0]
    )
    # The VTIMEZONE itself carries Madrid's rules: summer time in October, winter in January.
    assert str(zone["TZID"]) == "Europe/Madrid"
    rules = zone.to_tz(lookup_tzid=False)
    assert datetime(2030, 10, 15, 9, 30, tzinfo=rules).utcoffset() == timedelta(hours=2)
    assert datetime(2030, 1, 15, 9, 30, tzinfo=rules).utcoffset() == timedelta(hours=1)


@pytest.mark.usefixtures("app")
async def test_an_event_in_utc_is_written_in_utc_without_a_vtimezone(
    client: httpx.AsyncClient,
) -> None:
    await congress(
        slug="online",
        starts_at=datetime(2030, 3, 1, 14, tzinfo=UTC),
        ends_at=datetime(2030, 3, 1, 15, tzinfo=UTC),
        timezone="UTC",
        all_day=False,
    )

    content, calendar = await feed(client)

    assert b"DTSTART:20300301T140000Z\r\n" in content
    assert calendar.walk("VTIMEZONE") == []


# --- GraphQL ----------------------------------------------------------------------------------

EVENT_TIMES = """
query($slug: String!) { event(slug: $slug) { startsAt endsAt timezone allDay } }
"""


async def test_graphql_gives_the_zone_the_all_day_flag_and_times_in_the_events_offset(
    app: Starlette, gql: GraphQLClient
) -> None:
    await congress()
    await congress(
        slug="plenary",
        starts_at=datetime(2030, 1, 15, 9, 30, tzinfo=MADRID),
        ends_at=datetime(2030, 1, 15, 12, tzinfo=MADRID),
        all_day=False,
    )

    all_day = (await gql.data(EVENT_TIMES, {"slug": "congress"}))["event"]
    timed = (await gql.data(EVENT_TIMES, {"slug": "plenary"}))["event"]

    assert all_day == {
        "startsAt": "2021-10-15T00:00:00+02:00",
        "endsAt": "2021-10-18T00:00:00+02:00",
        "timezone": "Europe/Madrid",
        "allDay": True,
    }
    assert timed["startsAt"] == "2030-01-15T09:30:00+01:00"  # winter time
    assert timed["allDay"] is False


async def test_the_demo_congress_is_all_day_in_barcelona(
    app: Starlette, client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    hub = app.state.hub
    for result in hub.plugin_manager.hook.load_demo_content(settings=hub.settings):
        if hasattr(result, "__await__"):
            await result

    content, calendar = await feed(client)
    event = (await gql.data(EVENT_TIMES, {"slug": IPB_CONGRESS_SLUG}))["event"]

    assert b"DTSTART;VALUE=DATE:20211015\r\n" in content
    assert b"DTEND;VALUE=DATE:20211018\r\n" in content
    assert shown_date(vevent(calendar, IPB_CONGRESS_SLUG).decoded("DTSTART"), VIEWERS[0]) == date(
        2021, 10, 15
    )
    assert event["timezone"] == "Europe/Madrid"
    assert event["allDay"] is True


# --- validation -------------------------------------------------------------------------------


@pytest.mark.usefixtures("app")
@pytest.mark.parametrize(
    "name", ["Europe/Barcelona", "Mars/Olympus_Mons", "", "localtime", "+02:00"]
)
async def test_a_time_zone_that_is_not_an_iana_name_is_refused(name: str) -> None:
    with pytest.raises(
        ValidationError, match=re.escape(f"timezone {name!r} is not an IANA time zone name")
    ):
        await congress(timezone=name)
    assert await Event.all().count() == 0


@pytest.mark.usefixtures("app")
async def test_editing_an_event_to_a_bad_time_zone_is_refused_and_nothing_is_written() -> None:
    event = await congress()
    event.timezone = "Europe/Barcelona"
    with pytest.raises(ValidationError, match="'Europe/Barcelona' is not an IANA time zone name"):
        await event.save()
    assert (await Event.get(slug="congress")).timezone == "Europe/Madrid"


@pytest.mark.usefixtures("app")
async def test_an_all_day_event_starts_and_ends_at_midnight_in_its_zone() -> None:
    # Midnight in UTC is 02:00 in Madrid in October: not the start of a day there.
    with pytest.raises(ValidationError, match="starts_at is 2021-10-15T02:00:00\\+02:00 in Europe"):
        await congress(
            starts_at=datetime(2021, 10, 15, tzinfo=UTC), ends_at=datetime(2021, 10, 18, tzinfo=UTC)
        )
    with pytest.raises(ValidationError, match="lasts at least one day"):
        await congress(ends_at=datetime(2021, 10, 15, tzinfo=MADRID))
    assert await Event.all().count() == 0


# --- migration --------------------------------------------------------------------------------


async def test_events_from_before_the_migration_are_timed_events_in_utc(settings: Settings) -> None:
    """Their instants were stored in UTC and stay as they were; nothing else was known."""
    EXECUTOR_CACHE.clear()
    pm = get_plugin_manager(extra_plugins=[hub_events.plugin], load_entry_points=False)
    try:
        await migrate(config=config_for(pm, settings), target="events.0001_initial")
        await Tortoise.get_connection("default").execute_query(
            "INSERT INTO events_event (slug, title, description, starts_at, ends_at, venue, city,"
            " country_code, url, created_at, updated_at) VALUES ('old', 'Old', '',"
            " '2020-05-01 09:00:00+00:00', '2020-05-01 17:00:00+00:00', '', '', '', '',"
            " '2020-01-01 00:00:00+00:00', '2020-01-01 00:00:00+00:00')"
        )
    finally:
        await Tortoise.close_connections()

    await apply_migrations(pm, settings)
    async with open_database(pm, settings):
        old = await Event.get(slug="old")

    assert (old.timezone, old.all_day) == ("UTC", False)
    assert old.starts_at == datetime(2020, 5, 1, 9, tzinfo=UTC)


@pytest.mark.usefixtures("app")
async def test_an_all_day_event_may_start_on_a_day_that_has_no_midnight(
    client: httpx.AsyncClient,
) -> None:
    # Chile's summer time began on 11 September 2022 at 00:00, which became 01:00: that day
    # starts at 01:00 -03, and midnight of the 11th (given with fold=0) is that same instant.
    santiago = ZoneInfo("America/Santiago")
    await congress(
        slug="santiago",
        starts_at=datetime(2022, 9, 11, tzinfo=santiago),
        ends_at=datetime(2022, 9, 12, tzinfo=santiago),
        timezone="America/Santiago",
    )

    content, _ = await feed(client)

    assert b"DTSTART;VALUE=DATE:20220911\r\n" in content
    assert b"DTEND;VALUE=DATE:20220912\r\n" in content
