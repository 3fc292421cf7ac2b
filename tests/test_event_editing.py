"""Events are edited through GraphQL like core content: derived from their declaration, with
scopes, versions, the shared validation (all-day and timed events in their time zone), the audit
log and content events after the commit, so search, export and caches follow."""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import count
from typing import Any

import hub_delivery.plugin
import hub_events.plugin
import hub_search.plugin
import pytest
from hub_events.models import Event
from hub_search.backends import current_backend
from starlette.applications import Starlette

from hub.access.models import AuditEntry, Role, User
from hub.access.scopes import scope_catalogue
from hub.access.tokens import issue_token
from hub.content.transfer import dump_json, export_content
from hub.events import ContentEvent
from hub.hookimpl import hookimpl
from hub.plugins import get_plugin_manager
from tests.conftest import GraphQLClient

RECEIVED: list[ContentEvent] = []
PURGED: list[list[str]] = []
PLUGINS: list[object] = [hub_events.plugin, hub_search.plugin, hub_delivery.plugin]
_accounts = count(1)


class Listener:
    """A third party hearing content events and purges, as a webhook or CDN plugin would."""

    __name__ = "listener"

    @staticmethod
    @hookimpl
    def content_event(event: ContentEvent) -> None:
        RECEIVED.append(event)

    @staticmethod
    @hookimpl(optionalhook=True)
    def purge_cache(keys: Sequence[str]) -> None:
        PURGED.append(list(keys))


@pytest.fixture
def extra_plugins() -> list[object]:
    RECEIVED.clear()
    PURGED.clear()
    return [*PLUGINS, Listener()]


@pytest.fixture
async def hub(app: Starlette) -> Starlette:
    await current_backend().create_schema()  # tests build tables from models, not migrations
    return app


async def sign_in_with(*scopes: str) -> dict[str, str]:
    """A bearer header for a new editor holding exactly ``scopes``."""
    user = await User.create(
        email=f"organiser-{next(_accounts)}@example.org",
        role=Role.EDITOR,
        password_hash="unused in these tests",
    )
    pm = get_plugin_manager(extra_plugins=PLUGINS, load_entry_points=False)
    issued = await issue_token(user, scopes, scope_catalogue(pm))
    return {"authorization": f"Bearer {issued.token}"}


CREATE = """
mutation($input: CreateEventInput!) {
  createEvent(input: $input) {
    event { id slug title startsAt endsAt timezone allDay countryCode version }
    errors { field message code }
  }
}"""
UPDATE = """
mutation($input: UpdateEventInput!) {
  updateEvent(input: $input) {
    event { title startsAt endsAt allDay version } errors { field message code }
  }
}"""
DELETE = """
mutation($input: DeleteInput!) { deleteEvent(input: $input) { deletedId errors { field code } } }
"""
CONGRESS = {
    "slug": "ipb-congress-2030",
    "title": "IPB World Peace Congress",
    "description": "Disarmament for development.",
    "startsAt": "2030-10-15T00:00:00+02:00",
    "endsAt": "2030-10-18T00:00:00+02:00",
    "timezone": "Europe/Madrid",
    "allDay": True,
    "city": "Barcelona",
    "countryCode": "es",
}


async def create(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
    data = await gql.data(CREATE, {"input": {**CONGRESS, **fields}})
    payload: dict[str, Any] = data["createEvent"]
    return payload


def refusals(payload: dict[str, Any]) -> list[tuple[str, str]]:
    return [(error["field"], error["code"]) for error in payload["errors"]]


async def test_an_organiser_creates_changes_and_deletes_an_event(
    hub: Starlette, gql: GraphQLClient
) -> None:
    gql.headers.update(await sign_in_with("events:write"))
    made = await create(gql)
    assert made["errors"] == []
    event = made["event"]
    # Served in its own zone, its country upper-cased by the shared validation.
    assert (event["startsAt"], event["endsAt"]) == (
        "2030-10-15T00:00:00+02:00", "2030-10-18T00:00:00+02:00",
    )  # fmt: skip
    assert (event["allDay"], event["countryCode"], event["version"]) == (True, "ES", 1)

    changed = await gql.data(UPDATE, {"input": {
        "id": event["id"], "version": 1, "title": "Peace Congress", "allDay": False,
        "startsAt": "2030-10-15T09:30:00+02:00", "endsAt": "2030-10-17T18:00:00+02:00",
    }})  # fmt: skip
    assert changed["updateEvent"] == {
        "event": {
            "title": "Peace Congress", "startsAt": "2030-10-15T09:30:00+02:00",
            "endsAt": "2030-10-17T18:00:00+02:00", "allDay": False, "version": 2,
        },
        "errors": [],
    }  # fmt: skip
    read = await gql.data('{ event(slug: "ipb-congress-2030") { title version } }')
    assert read == {"event": {"title": "Peace Congress", "version": 2}}

    deleted = await gql.data(DELETE, {"input": {"id": event["id"], "version": 2}})
    assert deleted["deleteEvent"] == {"deletedId": event["id"], "errors": []}
    assert await Event.all().count() == 0
    entries = await AuditEntry.all().order_by("id").values("action", "type_name", "object_slug")
    assert entries == [
        {"action": f"event.{action}", "type_name": "Event", "object_slug": "ipb-congress-2030"}
        for action in ("create", "update", "delete")
    ]
    # Told after each commit; the delivery plugin purged the answers that showed the event.
    assert [(told.kind, told.slug) for told in RECEIVED] == [
        ("event.changed", "ipb-congress-2030"),
        ("event.changed", "ipb-congress-2030"),
        ("event.deleted", "ipb-congress-2030"),
    ]
    assert RECEIVED[1].changes["title"] == "Peace Congress"
    pk = RECEIVED[0].pk
    assert [keys[:3] for keys in PURGED] == [["Query", "Event", f"Event:{pk}"]] * 3


async def test_editing_events_needs_the_events_scope(hub: Starlette, gql: GraphQLClient) -> None:
    anonymous = await gql.query(CREATE, {"input": CONGRESS})
    assert anonymous["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    gql.headers.update(await sign_in_with("content:write"))
    editor = await gql.query(CREATE, {"input": CONGRESS})
    assert editor["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "events:write" in editor["errors"][0]["message"]
    assert await Event.all().count() == 0
    assert RECEIVED == []


async def test_a_stale_version_is_a_conflict_and_changes_nothing(
    hub: Starlette, gql: GraphQLClient
) -> None:
    gql.headers.update(await sign_in_with("events:write"))
    event = (await create(gql))["event"]
    mine = {"id": event["id"], "version": 1, "title": "Mine"}
    assert (await gql.data(UPDATE, {"input": mine}))["updateEvent"]["errors"] == []
    stale = await gql.data(UPDATE, {"input": {**mine, "title": "Theirs"}})
    assert stale["updateEvent"]["event"] is None
    [conflict] = stale["updateEvent"]["errors"]
    assert (conflict["field"], conflict["code"]) == ("version", "CONFLICT")
    assert "you edited version 1, it is now version 2" in conflict["message"]
    stale_delete = await gql.data(DELETE, {"input": {"id": event["id"], "version": 1}})
    assert stale_delete["deleteEvent"]["errors"] == [{"field": "version", "code": "CONFLICT"}]
    assert (await Event.get(slug="ipb-congress-2030")).title == "Mine"


async def test_bad_input_gets_field_errors_and_writes_nothing(
    hub: Starlette, gql: GraphQLClient
) -> None:
    gql.headers.update(await sign_in_with("events:write"))
    unknown_zone = await create(gql, timezone="Europe/Barcelona", countryCode="XX", url="ftp://x")
    assert refusals(unknown_zone) == [
        ("timezone", "INVALID"), ("countryCode", "INVALID"), ("url", "INVALID"),
    ]  # fmt: skip
    assert "'Europe/Barcelona' is not an IANA time zone" in unknown_zone["errors"][0]["message"]

    backwards = await create(gql, allDay=False, endsAt="2030-10-14T18:00:00+02:00")
    assert refusals(backwards) == [("endsAt", "INVALID")]
    assert backwards["errors"][0]["message"].startswith(
        "endsAt: An event cannot end before it starts"
    )
    not_midnight = await create(gql, startsAt="2030-10-15T09:00:00+02:00")
    assert refusals(not_midnight) == [("endsAt", "INVALID")]
    assert "An all-day event starts and ends at midnight" in not_midnight["errors"][0]["message"]
    naive = await create(gql, startsAt="2030-10-15T00:00:00")
    assert naive["errors"] == [{
        "field": "startsAt", "code": "INVALID",
        "message": "startsAt: '2030-10-15T00:00:00' has no time zone (end it with Z or +hh:mm).",
    }]  # fmt: skip
    assert await Event.all().count() == 0

    event = (await create(gql))["event"]
    # An update is checked on the event as it would be: all-day, so 09:00 is refused.
    moved = await gql.data(UPDATE, {"input": {
        "id": event["id"], "version": 1, "startsAt": "2030-10-15T09:00:00+02:00",
    }})  # fmt: skip
    assert refusals(moved["updateEvent"]) == [("endsAt", "INVALID")]
    section_id = await gql.data(UPDATE, {"input": {"id": "U2VjdGlvbjox", "version": 1}})
    assert section_id["updateEvent"]["errors"] == [{
        "field": "id", "message": "id expects a Event ID, not a Section ID.", "code": "INVALID",
    }]  # fmt: skip
    malformed = await gql.query(UPDATE, {"input": {"id": "not an id!", "version": 1}})
    assert malformed["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert (await Event.get(slug="ipb-congress-2030")).version == 1
    assert await AuditEntry.filter(action="event.update").count() == 0


async def test_a_created_event_is_searched_and_exported(hub: Starlette, gql: GraphQLClient) -> None:
    gql.headers.update(await sign_in_with("events:write"))
    await create(gql)

    found = await gql.data(
        '{ search(query: "disarmament") { edges { node { ... on Event { slug } } } } }'
    )
    assert found["search"]["edges"] == [{"node": {"slug": "ipb-congress-2030"}}]
    exported = json.loads(dump_json(await export_content(hub.state.hub.content_types)))
    [record] = exported["events"]
    assert record["slug"] == "ipb-congress-2030"
    assert (record["starts_at"], record["timezone"], record["all_day"]) == (
        "2030-10-14T22:00:00Z", "Europe/Madrid", True,
    )  # fmt: skip
