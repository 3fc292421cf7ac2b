"""Plugin types are first-class: declared once, they are searched, purged from caches and told
to subscribers by content events named after the type and the action (``event.changed``,
``petition.signed``), whether the core, a first-party plugin or a third party declares them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import httpx
import hub_delivery.plugin
import hub_events.plugin
import hub_search.plugin
import hub_sections_map.plugin
import hub_webhooks.plugin
import pytest
from hub_donations.content import CAMPAIGN
from hub_events.content import EVENT
from hub_events.models import Event
from hub_search.backends import current_backend
from hub_sections_map.content import SECTION_LOCATION
from hub_sections_map.models import SectionLocation
from hub_webhooks.models import Delivery, Subscriber
from starlette.applications import Starlette
from tortoise import fields

from hub import ContentEvent, ContentType, EventKind, Section, check_values
from hub.content.declarations import NO_DEFAULT, ColumnKind
from hub.events import dispatch_content_events
from hub.fanout import decode, encode
from hub.hookimpl import hookimpl
from tests.conftest import GraphQLClient
from tests.petitions import plugin as petitions_plugin
from tests.petitions.plugin import PETITION, Petition

#: What the recording CDN plugin was told to purge, in order.
purges: list[list[str]] = []


class PurgeRecorder:
    """A CDN plugin, as a third party would write one: it records what it is told to purge."""

    __name__ = "purge-recorder"

    @staticmethod
    @hookimpl(optionalhook=True)
    def purge_cache(keys: Sequence[str]) -> None:
        purges.append(list(keys))


@pytest.fixture
def extra_plugins() -> list[object]:
    purges.clear()
    return [
        hub_search.plugin, hub_delivery.plugin, hub_events.plugin, hub_sections_map.plugin,
        hub_webhooks.plugin, petitions_plugin, PurgeRecorder(),
    ]  # fmt: skip


@pytest.fixture
async def hub(app: Starlette) -> Starlette:
    await current_backend().create_schema()  # tests build tables from models, not migrations
    return app


async def tell(hub: Starlette, declared: ContentType, action: str, pk: int, slug: str) -> None:
    """What a write path does after its commit: tell the plugins."""
    event = ContentEvent(declared.event(action), declared.name, pk, slug)
    await dispatch_content_events(hub.state.hub.plugin_manager, [event])


SEARCH = """query($q: String!, $filter: SearchFilter) { search(query: $q, filter: $filter) {
    edges { node { __typename ... on Petition { slug title } ... on Event { slug title } } }
    facets { types { value count } sections { value count } } } }"""


async def found(gql: GraphQLClient, text: str, **filters: str) -> list[tuple[str, str]]:
    data = await gql.data(SEARCH, {"q": text, "filter": filters or None})
    return [(edge["node"]["__typename"], edge["node"]["slug"]) for edge in data["search"]["edges"]]


async def cached_get(client: httpx.AsyncClient, query: str) -> dict[str, Any]:
    response = await client.get("/graphql", params={"query": query})
    assert response.status_code == 200
    data: dict[str, Any] = response.json()["data"]
    return data


async def test_a_third_party_type_is_searched_filtered_by_section_and_forgotten(
    hub: Starlette, gql: GraphQLClient
) -> None:
    spain = await Section.create(slug="wilpf-spain", name="WILPF Spain", country_code="ES")
    await Section.create(slug="wilpf-germany", name="WILPF Germany", country_code="DE")
    petition = await Petition.create(
        slug="ban-the-bomb", title="Ban the bomb", demand="Sign the nuclear treaty", section=spain
    )
    assert await found(gql, "nuclear") == []  # nobody told search yet
    await tell(hub, PETITION, "changed", petition.id, petition.slug)

    data = await gql.data(SEARCH, {"q": "nuclear"})
    assert data["search"]["edges"] == [
        {"node": {"__typename": "Petition", "slug": "ban-the-bomb", "title": "Ban the bomb"}}
    ]
    assert data["search"]["facets"]["types"] == [{"value": "Petition", "count": 1}]
    # Its declared foreign key to Section makes the section filter and facet reach it.
    assert data["search"]["facets"]["sections"] == [{"value": "wilpf-spain", "count": 1}]
    assert await found(gql, "nuclear", section="wilpf-spain") == [("Petition", "ban-the-bomb")]
    assert await found(gql, "nuclear", section="wilpf-germany") == []

    await Petition.filter(id=petition.id).update(title="Abolish warheads")
    await tell(hub, PETITION, "changed", petition.id, petition.slug)
    assert await found(gql, "bomb") == []
    assert await found(gql, "warheads") == [("Petition", "ban-the-bomb")]

    await petition.delete()
    await tell(hub, PETITION, "deleted", petition.id, petition.slug)
    assert await found(gql, "warheads") == []


async def test_a_change_to_a_third_party_type_purges_the_answers_that_showed_it(
    hub: Starlette, client: httpx.AsyncClient
) -> None:
    petition = await Petition.create(slug="ban-the-bomb", title="Ban the bomb")
    query = '{ petition(slug: "ban-the-bomb") { id title signatures } }'
    first = await cached_get(client, query)
    assert first["petition"]["title"] == "Ban the bomb"

    # Written behind the hub's back: the cached answer stays, which shows it is cached.
    await Petition.filter(id=petition.id).update(title="Abolish warheads", signatures=1)
    assert await cached_get(client, query) == first

    purges.clear()
    await tell(hub, PETITION, "signed", petition.id, petition.slug)  # its own action
    assert purges == [["Query", "Petition", f"Petition:{petition.id}"]]
    assert (await cached_get(client, query))["petition"] == {
        "id": first["petition"]["id"], "title": "Abolish warheads", "signatures": 1,
    }  # fmt: skip


async def test_editing_an_event_tells_event_changed_to_search_caches_and_webhooks(
    hub: Starlette, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    subscriber = await Subscriber.create(
        url="http://127.0.0.1:9/hook", events="event.*", secret="s"
    )
    event = await Event.create(
        slug="ipb-congress", title="IPB Congress", description="Disarmament for development.",
        starts_at=datetime(2030, 10, 1, 9, tzinfo=UTC), ends_at=datetime(2030, 10, 3, tzinfo=UTC),
    )  # fmt: skip
    await tell(hub, EVENT, "changed", event.id, event.slug)
    assert await found(gql, "disarmament") == [("Event", "ipb-congress")]
    query = '{ event(slug: "ipb-congress") { title } }'
    assert await cached_get(client, query) == {"event": {"title": "IPB Congress"}}

    purges.clear()
    await Event.filter(id=event.id).update(title="World Peace Congress", description="Peace.")
    await tell(hub, EVENT, "changed", event.id, event.slug)

    assert purges == [["Query", "Event", f"Event:{event.id}"]]
    assert await cached_get(client, query) == {"event": {"title": "World Peace Congress"}}
    assert await found(gql, "disarmament") == []
    assert await found(gql, "world peace") == [("Event", "ipb-congress")]
    told = (
        await Delivery.filter(subscriber_id=subscriber.id)
        .order_by("id")
        .values_list("event", flat=True)
    )
    assert told == ["event.changed", "event.changed"]


async def test_moving_a_section_on_the_map_purges_the_section(
    hub: Starlette, client: httpx.AsyncClient
) -> None:
    spain = await Section.create(slug="wilpf-spain", name="WILPF Spain", country_code="ES")
    location = await SectionLocation.create(section=spain, lat=40.4, lng=-3.7, city="Madrid")
    query = '{ section(slug: "wilpf-spain") { location { city } } }'
    assert await cached_get(client, query) == {"section": {"location": {"city": "Madrid"}}}

    await SectionLocation.filter(id=location.id).update(lat=41.4, lng=2.2, city="Barcelona")
    purges.clear()
    # A location is part of its section: its events carry the section's id and slug.
    await tell(hub, SECTION_LOCATION, "changed", spain.id, spain.slug)
    assert purges == [
        [
            "Query",
            "SectionLocation",
            f"SectionLocation:{spain.id}",
            "Section",
            f"Section:{spain.id}",
        ]
    ]
    assert await cached_get(client, query) == {"section": {"location": {"city": "Barcelona"}}}


# --- event names ---------------------------------------------------------------------------------


def test_event_names_are_the_types_label_and_an_action_it_declares() -> None:
    assert (EVENT.changed_event, EVENT.deleted_event) == ("event.changed", "event.deleted")
    assert CAMPAIGN.event("changed") == "campaign.changed"
    assert SECTION_LOCATION.event("deleted") == "section_location.deleted"
    assert PETITION.event("signed") is EventKind("petition.signed")
    with pytest.raises(ValueError, match="Petition declares no action 'shared'; its actions: "
                       "changed, deleted, signed"):  # fmt: skip
        PETITION.event("shared")
    with pytest.raises(ValueError, match="'Petition Signed' is not a content event name"):
        EventKind("Petition Signed")


def test_the_old_event_names_keep_working() -> None:
    from hub.content.core_types import POST, SECTION

    assert EventKind.POST_UPDATED is EventKind("post.updated") is POST.changed_event
    assert POST.event("published") is EventKind.POST_PUBLISHED
    assert SECTION.deleted_event is EventKind.SECTION_DELETED
    assert EventKind.POST_PUBLISHED.value == "post.published"
    assert type(EventKind.POST_PUBLISHED.value) is str


def test_a_plugins_own_event_crosses_processes() -> None:
    sent = [ContentEvent(PETITION.event("signed"), "Petition", 7, "ban-the-bomb", {"n": 1})]
    [message] = encode("worker-1", sent, limit=7800)
    origin, received = decode(message)
    assert origin == "worker-1"
    assert received == [
        ContentEvent(EventKind("petition.signed"), "Petition", 7, "ban-the-bomb", {"n": 1},
                     remote=True)
    ]  # fmt: skip
    assert received[0].kind is PETITION.event("signed")


# --- declarations of the plugins' types ---------------------------------------------------------


def problems(declared: ContentType, values: dict[str, Any]) -> list[tuple[str, str]]:
    _, found = check_values(declared, values, complete=False)
    return [(problem.field, problem.message) for problem in found]


def test_the_new_field_kinds_check_their_values() -> None:
    assert problems(EVENT, {"all_day": "yes", "timezone": "Europe/Barcelona"}) == [
        ("timezone", "'Europe/Barcelona' is not an IANA time zone name such as "
                     "Europe/Madrid, America/New_York or UTC"),
        ("all_day", "must be true or false, not 'yes'"),
    ]  # fmt: skip
    assert problems(EVENT, {"country_code": "", "all_day": False}) == []  # online, no country
    assert problems(SECTION_LOCATION, {"lat": 91, "lng": "2.2"}) == [
        ("lat", "is 91; it must be from -90 to 90"),
        ("lng", "must be a number, not '2.2'"),
    ]
    assert problems(SECTION_LOCATION, {"lat": float("nan")}) == [
        ("lat", "must be a finite number, not nan")
    ]
    assert problems(CAMPAIGN, {"currency": "XAU", "goal": 0}) == [
        ("goal", "is 0; it must be from 1 to None"),
        ("currency", "XAU has no minor unit (ISO 4217): it cannot be donated"),
    ]


def test_a_whole_event_is_checked_with_the_models_own_period_rule() -> None:
    values, found = check_values(
        EVENT,
        {"slug": "congress", "title": "Congress", "timezone": "Europe/Madrid", "all_day": True,
         "starts_at": "2021-10-15T00:00+02:00", "ends_at": "2021-10-17T12:00+02:00"},
        complete=True,
    )  # fmt: skip
    assert [(p.field, p.message) for p in found] == [
        ("ends_at", "An all-day event starts and ends at midnight in its time zone: ends_at is "
                    "2021-10-17T12:00:00+02:00 in Europe/Madrid. End it at midnight after its "
                    "last day."),
    ]  # fmt: skip
    assert (values["country_code"], values["url"]) == ("", "")


@pytest.mark.parametrize(
    "declared", [EVENT, CAMPAIGN, SECTION_LOCATION, PETITION], ids=lambda d: d.name
)
def test_the_plugins_models_agree_with_their_declarations(declared: ContentType) -> None:
    # Plugin models stay hand-written: this keeps them to the declarations.
    model_fields = declared.model._meta.fields_map
    for spec in declared.fields.values():
        column = model_fields[spec.name]
        assert getattr(column, "max_length", None) == spec.max_length, spec.name
        assert column.null == spec.nullable, spec.name
        assert bool(column.unique) == spec.unique, spec.name
        assert isinstance(column, fields.BigIntField) == spec.big, spec.name
        if spec.kind is ColumnKind.FOREIGN_KEY:
            assert column.model_name == f"hub.{spec.target}", spec.name
        elif not spec.read_only and spec.default is not NO_DEFAULT:
            default = column.default
            assert default == spec.default, spec.name
