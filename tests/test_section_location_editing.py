"""A section's place on the map is set through GraphQL: checked like an import, audited under the
section, and told as ``section_location.changed`` after the commit so caches forget the section."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from itertools import count
from typing import Any

import hub_delivery.plugin
import hub_sections_map.plugin
import pytest
from hub_sections_map.models import SectionLocation

from hub.access.models import AuditEntry, Role, User
from hub.access.scopes import scope_catalogue
from hub.access.tokens import issue_token
from hub.content.models import Section
from hub.events import ContentEvent
from hub.hookimpl import hookimpl
from hub.plugins import get_plugin_manager
from tests.conftest import GraphQLClient

RECEIVED: list[ContentEvent] = []
PURGED: list[list[str]] = []
PLUGINS: list[object] = [hub_sections_map.plugin, hub_delivery.plugin]
_accounts = count(1)


class Listener:
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


async def sign_in_with(*scopes: str, role: Role = Role.EDITOR) -> dict[str, str]:
    user = await User.create(
        email=f"mapper-{next(_accounts)}@example.org",
        role=role,
        password_hash="unused in these tests",
    )
    pm = get_plugin_manager(extra_plugins=PLUGINS, load_entry_points=False)
    issued = await issue_token(user, scopes, scope_catalogue(pm))
    return {"authorization": f"Bearer {issued.token}"}


SET = """
mutation($input: SetSectionLocationInput!) {
  setSectionLocation(input: $input) {
    section { slug location { lat lng city } region }
    errors { field message code }
  }
}"""
SECTION_ID = '{ section(slug: "wilpf-spain") { id } }'
MAP = "{ sectionsMap { section { slug } location { lat lng city } region } }"


async def spain(gql: GraphQLClient) -> str:
    # Written directly, so nobody placed it at its capital: it starts off the map.
    await Section.create(slug="wilpf-spain", name="WILPF Spain", country_code="ES")
    section_id: str = (await gql.data(SECTION_ID))["section"]["id"]
    return section_id


def place(section: str, **fields: Any) -> dict[str, Any]:
    return {"input": {"section": section, "lat": 41.39, "lng": 2.17, "city": "Barcelona",
                      "region": "Europe", **fields}}  # fmt: skip


async def test_setting_a_location_shows_on_the_sections_map(gql: GraphQLClient) -> None:
    section = await spain(gql)
    gql.headers.update(await sign_in_with("sections-map:write"))

    data = await gql.data(SET, place(section))

    assert data["setSectionLocation"] == {
        "section": {
            "slug": "wilpf-spain",
            "location": {"lat": 41.39, "lng": 2.17, "city": "Barcelona"},
            "region": "Europe",
        },
        "errors": [],
    }
    assert (await gql.data(MAP))["sectionsMap"] == [{
        "section": {"slug": "wilpf-spain"},
        "location": {"lat": 41.39, "lng": 2.17, "city": "Barcelona"},
        "region": "Europe",
    }]  # fmt: skip

    moved = await gql.data(SET, place(section, lat=40.42, lng=-3.7, city=None))
    assert moved["setSectionLocation"]["section"]["location"] == {
        "lat": 40.42, "lng": -3.7, "city": None,
    }  # fmt: skip
    assert await SectionLocation.all().count() == 1
    pk = (await Section.get(slug="wilpf-spain")).id
    entries = (
        await AuditEntry.all()
        .order_by("id")
        .values("action", "type_name", "object_id", "object_slug", "after")
    )
    assert [(e["action"], e["type_name"], e["object_id"], e["object_slug"]) for e in entries] == [
        ("section_location.set", "Section", pk, "wilpf-spain"),
    ] * 2
    assert entries[1]["after"]["lat"] == 40.42
    # Told after each commit about the section, whose cached answers are purged.
    assert [(event.kind, event.pk, event.slug) for event in RECEIVED] == [
        ("section_location.changed", pk, "wilpf-spain"),
    ] * 2
    assert RECEIVED[1].changes == {"lat": 40.42, "lng": -3.7, "city": ""}
    assert len(PURGED) == 2
    assert all({"Section", f"Section:{pk}"} <= set(keys) for keys in PURGED)
    # Filed under the section: its audit trail shows where it was put.
    gql.headers.update(await sign_in_with("audit:read", role=Role.ADMIN))
    audit = await gql.data(
        "query($id: ID!) { auditLog(filter: {objectId: $id}) { edges { node { action } } } }",
        {"id": section},
    )
    assert audit["auditLog"]["edges"] == [{"node": {"action": "section_location.set"}}] * 2


async def test_coordinates_out_of_range_get_field_errors(gql: GraphQLClient) -> None:
    section = await spain(gql)
    gql.headers.update(await sign_in_with("sections-map:write"))

    data = await gql.data(SET, place(section, lat=91, lng=-180.5, region="R" * 101))

    assert data["setSectionLocation"] == {
        "section": None,
        "errors": [
            {"field": "lat", "message": "lat: is 91.0; it must be from -90 to 90.",
             "code": "INVALID"},
            {"field": "lng", "message": "lng: is -180.5; it must be from -180 to 180.",
             "code": "INVALID"},
            {"field": "region", "message": "region: is 101 characters long; the most is 100.",
             "code": "TOO_LONG"},
        ],
    }  # fmt: skip
    assert await SectionLocation.all().count() == 0
    assert RECEIVED == []
    assert await AuditEntry.all().count() == 0


async def test_the_section_must_exist_and_be_a_section(gql: GraphQLClient) -> None:
    await spain(gql)
    gql.headers.update(await sign_in_with("sections-map:write"))
    unknown = base64.b64encode(b"Section:99999").decode()
    missing = await gql.data(SET, place(unknown))
    assert missing["setSectionLocation"]["errors"] == [
        {"field": "section", "message": "There is no such section.", "code": "NOT_FOUND"}
    ]
    post = base64.b64encode(b"Post:1").decode()
    wrong = await gql.data(SET, place(post))
    assert wrong["setSectionLocation"]["errors"] == [{
        "field": "section", "message": "section expects a Section ID, not a Post ID.",
        "code": "INVALID",
    }]  # fmt: skip
    malformed = await gql.query(SET, place("this is no ID"))
    assert malformed["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert await SectionLocation.all().count() == 0


async def test_placing_sections_needs_the_map_scope(gql: GraphQLClient) -> None:
    section = await spain(gql)
    anonymous = await gql.query(SET, place(section))
    assert anonymous["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    gql.headers.update(await sign_in_with("content:write"))
    editor = await gql.query(SET, place(section))
    assert "sections-map:write" in editor["errors"][0]["message"]
    assert await SectionLocation.all().count() == 0
