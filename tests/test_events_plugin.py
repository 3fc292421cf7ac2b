"""The events plugin, loaded the way a third party's is: through the public hooks only."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import hub_events
import hub_events.plugin
import icalendar
import pytest
from hub_events.demo import IPB_CONGRESS_SLUG
from hub_events.models import Event, EventParticipant
from hub_events.settings import CALENDAR_NAME, DECLARED, UID_DOMAIN
from hub_events.timing import when
from starlette.applications import Starlette
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.exceptions import IntegrityError, ValidationError

from hub.content.models import Section
from hub.database import apply_migrations, open_database
from hub.plugins import get_plugin_manager
from hub.settings import Settings, SettingsError
from tests import factories
from tests.conftest import GraphQLClient, SQLCounter

LONG_AGO = datetime(2001, 5, 1, 9, 0, tzinfo=UTC)
FAR_AHEAD = datetime(2099, 5, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_events.plugin]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path, database_url=database_url, extra={CALENDAR_NAME: "WILPF events"}
    )


async def make_event(
    slug: str,
    starts_at: datetime,
    *,
    hours: float = 8,
    sections: Sequence[Section] = (),
    others: Sequence[str] = (),
    **fields: Any,
) -> Event:
    defaults: dict[str, Any] = {"title": slug.replace("-", " ").title(), "country_code": "ES"}
    event = await Event.create(
        slug=slug,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        **{**defaults, **fields},
    )
    for position, section in enumerate(sections):
        await EventParticipant.create(event=event, section_id=section.id, position=position)
    for position, name in enumerate(others, start=len(sections)):
        await EventParticipant.create(event=event, name=name, position=position)
    return event


def slugs(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["slug"] for edge in connection["edges"]]


# --- schema -----------------------------------------------------------------------------------


def test_the_schema_has_events_and_section_events(app: Starlette) -> None:
    sdl = app.state.hub.built.schema.as_str()
    assert "type Event implements Node {" in sdl
    assert "type EventConnection {" in sdl
    assert "type EventParticipant {" in sdl
    assert (
        "events(upcoming: Boolean = null, section: String = null, first: Int = null, "
        "after: String = null, last: Int = null, before: String = null): EventConnection!"
    ) in sdl
    assert "event(slug: String!): Event" in sdl
    section_type = sdl.split("type Section implements Node {")[1].split("}")[0]
    assert "events(upcoming: Boolean = null): [Event!]!" in section_type


def test_the_plugin_imports_only_the_public_hub_api() -> None:
    package = Path(inspect.getfile(hub_events)).parent
    offending = []
    for source in sorted(package.rglob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offending += [f"{source.name}: {name}" for name in names if name.startswith("hub.")]
    assert len(list(package.rglob("*.py"))) > 5
    assert offending == []


def test_settings_are_declared_with_defaults_and_checked() -> None:
    defaults = {setting.name: setting.read({}) for setting in DECLARED}
    assert defaults == {CALENDAR_NAME: "Events", UID_DOMAIN: ""}
    by_name = {setting.name: setting for setting in DECLARED}
    assert by_name[UID_DOMAIN].read({UID_DOMAIN: "wilpf.example"}) == "wilpf.example"
    with pytest.raises(SettingsError, match=UID_DOMAIN):
        by_name[UID_DOMAIN].read({UID_DOMAIN: "https://wilpf.example/"})
    with pytest.raises(SettingsError, match=CALENDAR_NAME):
        by_name[CALENDAR_NAME].read({CALENDAR_NAME: "  "})


# --- queries ----------------------------------------------------------------------------------

EVENTS = """
query Events($upcoming: Boolean, $section: String, $first: Int, $after: String, $last: Int) {
  events(upcoming: $upcoming, section: $section, first: $first, after: $after, last: $last) {
    edges { cursor node { slug } }
    pageInfo { hasNextPage hasPreviousPage endCursor }
    totalCount
  }
}
"""


async def test_upcoming_past_and_all_events_are_split_and_ordered(gql: GraphQLClient) -> None:
    await make_event("long-ago", LONG_AGO)
    await make_event("less-long-ago", LONG_AGO + timedelta(days=365))
    await make_event("far-ahead", FAR_AHEAD)
    await make_event("nearly-as-far", FAR_AHEAD - timedelta(days=365))
    # Started long ago and not over yet: still upcoming.
    await make_event("in-progress", LONG_AGO - timedelta(days=1), hours=24 * 365 * 100)

    upcoming = await gql.data(EVENTS, {"upcoming": True})
    past = await gql.data(EVENTS, {"upcoming": False})
    everything = await gql.data(EVENTS, {})

    assert slugs(upcoming["events"]) == ["in-progress", "nearly-as-far", "far-ahead"]
    assert slugs(past["events"]) == ["less-long-ago", "long-ago"]
    assert slugs(everything["events"]) == [
        "in-progress", "long-ago", "less-long-ago", "nearly-as-far", "far-ahead",
    ]  # fmt: skip
    assert [upcoming["events"]["totalCount"], past["events"]["totalCount"]] == [3, 2]


async def test_upcoming_means_not_yet_ended_at_the_given_moment(app: Starlette) -> None:
    await make_event("ended-before", datetime(2010, 1, 1, tzinfo=UTC))
    await make_event("ends-at-that-moment", datetime(2010, 6, 1, 10, tzinfo=UTC), hours=2)
    await make_event("after", datetime(2010, 12, 1, tzinfo=UTC))
    moment = datetime(2010, 6, 1, 12, tzinfo=UTC)

    async def slugs_when(upcoming: bool) -> list[str]:
        rows = await Event.filter(when(upcoming, moment)).order_by("starts_at").values("slug")
        return [row["slug"] for row in rows]

    assert await slugs_when(True) == ["ends-at-that-moment", "after"]
    assert await slugs_when(False) == ["ended-before"]


async def test_events_filter_by_section_slug(gql: GraphQLClient) -> None:
    germany = await factories.section(slug="wilpf-germany", name="WILPF Germany")
    spain = await factories.section(slug="wilpf-spain", name="WILPF Spain", country_code="ES")
    await make_event("both", FAR_AHEAD, sections=[germany, spain])
    await make_event("only-spain", FAR_AHEAD + timedelta(days=1), sections=[spain])
    await make_event("nobody", FAR_AHEAD + timedelta(days=2))

    germany_events = await gql.data(EVENTS, {"section": "wilpf-germany"})
    spain_events = await gql.data(EVENTS, {"section": "wilpf-spain"})
    unknown = await gql.data(EVENTS, {"section": "no-such-section"})

    assert slugs(germany_events["events"]) == ["both"]
    assert slugs(spain_events["events"]) == ["both", "only-spain"]
    assert slugs(unknown["events"]) == []


async def test_events_page_forward_and_backward_with_cursors(gql: GraphQLClient) -> None:
    for n in range(5):
        await make_event(f"congress-{n}", FAR_AHEAD + timedelta(days=n))

    seen: list[str] = []
    after = None
    while True:
        page = (await gql.data(EVENTS, {"upcoming": True, "first": 2, "after": after}))["events"]
        seen += slugs(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    last_two = (await gql.data(EVENTS, {"last": 2}))["events"]

    assert seen == [f"congress-{n}" for n in range(5)]
    assert slugs(last_two) == ["congress-3", "congress-4"]
    assert last_two["pageInfo"]["hasPreviousPage"] is True


async def test_a_cursor_of_past_events_is_refused_for_upcoming_ones(gql: GraphQLClient) -> None:
    await make_event("long-ago", LONG_AGO)
    await make_event("less-long-ago", LONG_AGO + timedelta(days=1))
    past = (await gql.data(EVENTS, {"upcoming": False, "first": 1}))["events"]
    message = await gql.error(EVENTS, {"upcoming": True, "after": past["pageInfo"]["endCursor"]})
    assert "is not a cursor of this list" in message


EVENT = """
query Event($slug: String!) {
  event(slug: $slug) {
    id slug title startsAt endsAt venue city countryCode url
    sections { slug name }
    participants { name section { slug } }
  }
}
"""


async def test_an_event_lists_its_sections_and_other_participants_in_order(
    gql: GraphQLClient,
) -> None:
    germany = await factories.section(slug="wilpf-germany", name="WILPF Germany")
    spain = await factories.section(slug="wilpf-spain", name="WILPF Spain", country_code="ES")
    await make_event(
        "congress",
        datetime(2030, 10, 15, 7, tzinfo=UTC),
        sections=[germany, spain],
        others=["Young WILPF network"],
        venue="CCCB",
        city="Barcelona",
    )

    event = (await gql.data(EVENT, {"slug": "congress"}))["event"]
    node = (await gql.data("query($id: ID!) { node(id: $id) { ... on Event { slug } } }",
                           {"id": event["id"]}))["node"]  # fmt: skip
    missing = await gql.data(EVENT, {"slug": "no-such-event"})

    assert event["startsAt"] == "2030-10-15T07:00:00+00:00"
    assert [event["venue"], event["city"], event["countryCode"], event["url"]] == [
        "CCCB", "Barcelona", "ES", None,
    ]  # fmt: skip
    assert event["sections"] == [
        {"slug": "wilpf-germany", "name": "WILPF Germany"},
        {"slug": "wilpf-spain", "name": "WILPF Spain"},
    ]
    assert event["participants"] == [
        {"name": "WILPF Germany", "section": {"slug": "wilpf-germany"}},
        {"name": "WILPF Spain", "section": {"slug": "wilpf-spain"}},
        {"name": "Young WILPF network", "section": None},
    ]
    assert node == {"slug": "congress"}
    assert missing == {"event": None}


SECTIONS_WITH_EVENTS = """
query Sections($first: Int!) {
  sections(first: $first) { edges { node {
    slug
    upcoming: events(upcoming: true) {
      slug participants { name section { slug } } sections { name }
    }
    past: events(upcoming: false) { slug }
  } } }
}
"""


@pytest.mark.parametrize("count", [1, 20])
async def test_section_events_cost_the_same_sql_for_1_or_20_sections(
    gql: GraphQLClient, sql_counter: SQLCounter, count: int
) -> None:
    # Named in slug order: sections are listed by name.
    sections = [
        await factories.section(slug=f"section-{n:02}", name=f"Section {n:02}")
        for n in range(count)
    ]
    for n, section in enumerate(sections):
        together = sections[n : n + 2]  # this section and the next, when there is one
        await make_event(f"future-{n}", FAR_AHEAD, sections=together, others=["IPB"])
        await make_event(f"past-{n}", LONG_AGO, sections=[section])

    sql_counter.reset()
    data = await gql.data(SECTIONS_WITH_EVENTS, {"first": count})

    nodes = [edge["node"] for edge in data["sections"]["edges"]]
    assert len(nodes) == count
    assert nodes[0]["past"] == [{"slug": "past-0"}]
    assert nodes[0]["upcoming"][0]["participants"][-1] == {"name": "IPB", "section": None}
    # sections; events for upcoming=true and for upcoming=false (one statement each, whatever
    # the number of sections); participants of every event; the core's sections by id.
    assert sql_counter.count == 5, sql_counter.statements


async def test_section_events_are_split_like_the_events_query(gql: GraphQLClient) -> None:
    germany = await factories.section(slug="wilpf-germany", name="WILPF Germany")
    await make_event("long-ago", LONG_AGO, sections=[germany])
    await make_event("less-long-ago", LONG_AGO + timedelta(days=1), sections=[germany])
    await make_event("far-ahead", FAR_AHEAD, sections=[germany])
    await make_event("nearly-as-far", FAR_AHEAD - timedelta(days=1), sections=[germany])
    await make_event("without-germany", FAR_AHEAD)

    data = await gql.data("""{ section(slug: "wilpf-germany") {
        upcoming: events(upcoming: true) { slug }
        past: events(upcoming: false) { slug }
        all: events { slug } } }""")

    section = data["section"]
    assert [e["slug"] for e in section["upcoming"]] == ["nearly-as-far", "far-ahead"]
    assert [e["slug"] for e in section["past"]] == ["less-long-ago", "long-ago"]
    assert [e["slug"] for e in section["all"]] == [
        "long-ago", "less-long-ago", "nearly-as-far", "far-ahead",
    ]  # fmt: skip


async def test_deleting_a_section_keeps_its_events_and_drops_its_participation(
    gql: GraphQLClient,
) -> None:
    germany = await factories.section(slug="wilpf-germany", name="WILPF Germany")
    await make_event("congress", FAR_AHEAD, sections=[germany], others=["IPB"])
    await germany.delete()

    event = (await gql.data(EVENT, {"slug": "congress"}))["event"]
    assert event["sections"] == []
    assert event["participants"] == [{"name": "IPB", "section": None}]


# --- validation -------------------------------------------------------------------------------


async def test_an_event_cannot_end_before_it_starts(app: Starlette) -> None:
    with pytest.raises(ValidationError, match="An event cannot end before it starts"):
        await Event.create(
            slug="backwards", title="Backwards", starts_at=FAR_AHEAD,
            ends_at=FAR_AHEAD - timedelta(minutes=1),
        )  # fmt: skip
    assert await Event.all().count() == 0


async def test_event_times_must_carry_a_timezone(app: Starlette) -> None:
    with pytest.raises(ValidationError, match="starts_at 2030-01-01T09:00:00 has no timezone"):
        await Event.create(
            slug="naive", title="Naive", starts_at=datetime(2030, 1, 1, 9),
            ends_at=datetime(2030, 1, 1, 17, tzinfo=UTC),
        )  # fmt: skip


async def test_country_code_slug_and_participants_are_checked(app: Starlette) -> None:
    with pytest.raises(ValidationError, match="not an ISO 3166-1 alpha-2 code"):
        await make_event("nowhere", FAR_AHEAD, country_code="XX")
    with pytest.raises(ValidationError, match="is not a slug: use lowercase letters"):
        await make_event("Not A Slug", FAR_AHEAD)
    event = await make_event("congress", FAR_AHEAD)
    with pytest.raises(ValidationError, match="either a section or a name"):
        await EventParticipant.create(event=event, name="  ")


async def test_the_database_refuses_an_event_ending_before_it_starts(settings: Settings) -> None:
    """The migration adds a check, for writes that bypass the model (bulk updates)."""
    EXECUTOR_CACHE.clear()
    pm = get_plugin_manager(extra_plugins=[hub_events.plugin], load_entry_points=False)
    await apply_migrations(pm, settings)
    async with open_database(pm, settings):
        await make_event("congress", FAR_AHEAD)
        with pytest.raises(IntegrityError):
            await Event.filter(slug="congress").update(ends_at=LONG_AGO)
        connection = Tortoise.get_connection("default")
        if settings.is_sqlite:
            query = "SELECT name FROM sqlite_master WHERE tbl_name = 'events_event'"
        else:
            query = "SELECT indexname AS name FROM pg_indexes WHERE tablename = 'events_event'"
        indexes = {row["name"] for row in await connection.execute_query_dict(query)}
    # Adding the check rebuilds the table on SQLite; its indexes must survive.
    assert {"idx_events_even_starts__eda926", "idx_events_even_ends_at_af65ea"} <= indexes


# --- iCalendar feed ---------------------------------------------------------------------------


async def feed(client: httpx.AsyncClient, query: str = "") -> icalendar.Calendar:
    response = await client.get(f"/events/calendar.ics{query}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


async def test_the_calendar_feed_is_valid_icalendar_with_every_event(
    client: httpx.AsyncClient,
) -> None:
    barcelona = datetime.fromisoformat("2030-10-15T09:00:00+02:00")
    await make_event(
        "congress", barcelona, hours=3 * 24, title="IPB World Peace Congress",
        venue="CCCB", city="Barcelona", url="https://congress.example/",
        description="Plenaries; workshops, and a youth gathering.",
    )  # fmt: skip
    await make_event("online", LONG_AGO, country_code="")

    calendar = await feed(client)
    events = calendar.walk("VEVENT")

    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == "-//hub//hub-events//EN"
    assert str(calendar["X-WR-CALNAME"]) == "WILPF events"
    assert [str(event["UID"]) for event in events] == [
        "event-online@hub.test", "event-congress@hub.test",
    ]  # fmt: skip
    congress = events[1]
    assert congress.decoded("DTSTART") == datetime(2030, 10, 15, 7, tzinfo=UTC)
    assert congress["DTSTART"].to_ical() == b"20301015T070000Z"
    assert congress["DTEND"].to_ical() == b"20301018T070000Z"
    assert congress.decoded("DTSTAMP").utcoffset() == timedelta(0)
    assert str(congress["SUMMARY"]) == "IPB World Peace Congress"
    assert str(congress["LOCATION"]) == "CCCB, Barcelona, Spain"
    assert str(congress["DESCRIPTION"]) == "Plenaries; workshops, and a youth gathering."
    assert str(congress["URL"]) == "https://congress.example/"
    assert "LOCATION" not in events[0]


async def test_the_calendar_feed_escapes_and_folds_long_text(client: httpx.AsyncClient) -> None:
    description = ("Women, peace; disarmament — Frauenliga für Frieden und Freiheit.\n" * 8).strip()
    await make_event("long-text", FAR_AHEAD, description=description)

    response = await client.get("/events/calendar.ics")
    lines = response.content.split(b"\r\n")
    calendar = icalendar.Calendar.from_ical(response.content)

    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # continuation lines
    assert b"Women\\, peace\\; disarmament" in response.content.replace(b"\r\n ", b"")
    assert str(calendar.walk("VEVENT")[0]["DESCRIPTION"]) == description


async def test_the_calendar_feed_narrows_to_one_section(client: httpx.AsyncClient) -> None:
    germany = await factories.section(slug="wilpf-germany", name="WILPF Germany")
    await make_event("with-germany", FAR_AHEAD, sections=[germany])
    await make_event("without-germany", FAR_AHEAD)

    calendar = await feed(client, "?section=wilpf-germany")

    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["With Germany"]
    assert str(calendar["X-WR-CALNAME"]) == "WILPF events: WILPF Germany"


async def test_the_calendar_feed_of_an_unknown_section_is_not_found(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/events/calendar.ics?section=atlantis")
    assert response.status_code == 404
    assert (
        response.text == "No section has the slug 'atlantis': use a slug from the sections query."
    )


# --- demo content -----------------------------------------------------------------------------


async def load_demo(app: Starlette) -> None:
    """Run every plugin's demo hook as `hub demo` does (the hook may return an awaitable)."""
    hub = app.state.hub
    for result in hub.plugin_manager.hook.load_demo_content(settings=hub.settings):
        if inspect.isawaitable(result):
            await result


async def test_demo_content_adds_the_ipb_congress_with_its_participants(
    app: Starlette, gql: GraphQLClient
) -> None:
    await factories.section(slug="wilpf-germany", name="WILPF Germany")
    await factories.section(slug="wilpf-spain", name="WILPF Spain", country_code="ES")

    await load_demo(app)
    await load_demo(app)  # idempotent

    event = (await gql.data(EVENT, {"slug": IPB_CONGRESS_SLUG}))["event"]
    assert await Event.all().count() == 1
    assert event["city"] == "Barcelona"
    assert event["startsAt"] == "2021-10-15T00:00:00+02:00"  # midnight in Barcelona (CEST)
    assert event["endsAt"] == "2021-10-18T00:00:00+02:00"
    assert event["participants"] == [
        {"name": "WILPF Germany", "section": {"slug": "wilpf-germany"}},
        {"name": "Young WILPF network", "section": None},
        {"name": "WILPF Spain", "section": {"slug": "wilpf-spain"}},
        {"name": "MENA Regional Representative", "section": None},
    ]


async def test_demo_content_names_sections_that_do_not_exist(
    app: Starlette, gql: GraphQLClient
) -> None:
    await load_demo(app)

    event = (await gql.data(EVENT, {"slug": IPB_CONGRESS_SLUG}))["event"]
    assert event["sections"] == []
    assert [p["name"] for p in event["participants"]] == [
        "WILPF Germany", "Young WILPF network", "WILPF Spain", "MENA Regional Representative",
    ]  # fmt: skip
