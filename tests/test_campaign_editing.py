"""Campaigns are edited through GraphQL from their declaration, their type staying hand-written:
scope ``donations:write``, versions, the shared validation, the audit log and events."""

from __future__ import annotations

import base64
from itertools import count
from typing import Any

import hub_donations.plugin
import pytest
from hub_donations.models import Campaign, CampaignPost, CampaignTotals

from hub.access.models import AuditEntry, Role, User
from hub.access.scopes import scope_catalogue
from hub.access.tokens import issue_token
from hub.events import ContentEvent
from hub.hookimpl import hookimpl
from hub.plugins import get_plugin_manager
from tests import factories
from tests.conftest import GraphQLClient

RECEIVED: list[ContentEvent] = []
_accounts = count(1)


class Listener:
    __name__ = "listener"

    @staticmethod
    @hookimpl
    def content_event(event: ContentEvent) -> None:
        RECEIVED.append(event)


@pytest.fixture
def extra_plugins() -> list[object]:
    RECEIVED.clear()
    return [hub_donations.plugin, Listener()]


async def sign_in_with(*scopes: str) -> dict[str, str]:
    user = await User.create(
        email=f"fundraiser-{next(_accounts)}@example.org",
        role=Role.EDITOR,
        password_hash="unused in these tests",
    )
    pm = get_plugin_manager(extra_plugins=[hub_donations.plugin], load_entry_points=False)
    issued = await issue_token(user, scopes, scope_catalogue(pm))
    return {"authorization": f"Bearer {issued.token}"}


def gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


CREATE = """
mutation($input: CreateCampaignInput!) {
  createCampaign(input: $input) {
    campaign { id slug status goal { amount currency } sections { slug } version }
    errors { field message code }
  }
}"""
UPDATE = """
mutation($input: UpdateCampaignInput!) {
  updateCampaign(input: $input) { campaign { title status version } errors { field code } }
}"""
APPEAL = {"slug": "peace-fund", "title": "Peace fund", "goal": 500000, "currency": "EUR"}


async def create(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
    payload: dict[str, Any] = (await gql.data(CREATE, {"input": {**APPEAL, **fields}}))[
        "createCampaign"
    ]
    return payload


async def test_a_fundraiser_creates_and_changes_a_campaign(gql: GraphQLClient) -> None:
    spain = await factories.section(slug="wilpf-spain", country_code="ES")
    gql.headers.update(await sign_in_with("donations:write"))
    made = await create(gql, sections=[gid("Section", spain.id)], status="ACTIVE")
    assert made["errors"] == []
    campaign = made["campaign"]
    assert campaign["goal"]["amount"] == 500000
    assert (campaign["status"], campaign["sections"], campaign["version"]) == (
        "ACTIVE", [{"slug": "wilpf-spain"}], 1,
    )  # fmt: skip
    # Its totals row exists from the start, as for campaigns made any other way.
    assert await CampaignTotals.filter(campaign__slug="peace-fund").count() == 1

    closed = await gql.data(UPDATE, {"input": {"id": campaign["id"], "version": 1,
                                               "status": "CLOSED"}})  # fmt: skip
    assert closed["updateCampaign"] == {
        "campaign": {"title": "Peace fund", "status": "CLOSED", "version": 2}, "errors": [],
    }  # fmt: skip
    stale = await gql.data(UPDATE, {"input": {"id": campaign["id"], "version": 1,
                                              "title": "Old"}})  # fmt: skip
    assert stale["updateCampaign"]["errors"] == [{"field": "version", "code": "CONFLICT"}]
    assert [event.kind for event in RECEIVED] == ["campaign.changed", "campaign.changed"]
    assert await AuditEntry.filter(type_name="Campaign").count() == 2


async def test_bad_campaigns_get_field_errors(gql: GraphQLClient) -> None:
    gql.headers.update(await sign_in_with("donations:write"))
    post = await factories.post("appeal")
    bad = await create(gql, currency="XYZ", goal=0, opensAt="2030-05-01T00:00:00Z",
                       closesAt="2030-04-01T00:00:00Z")  # fmt: skip
    assert [(e["field"], e["code"]) for e in bad["errors"]] == [
        ("goal", "INVALID"), ("currency", "INVALID"),
    ]  # fmt: skip
    backwards = await create(gql, opensAt="2030-05-01T00:00:00Z", closesAt="2030-04-01T00:00:00Z")
    assert [(e["field"], e["code"]) for e in backwards["errors"]] == [("closesAt", "INVALID")]
    assert (await create(gql, posts=[gid("Post", post.id)]))["errors"] == []
    # A post appeals for one campaign at most: a second one is refused, naming the list.
    taken = await create(gql, slug="second-fund", posts=[gid("Post", post.id)])
    assert [(e["field"], e["code"]) for e in taken["errors"]] == [("posts", "TAKEN")]
    assert await Campaign.all().count() == 1
    assert await CampaignPost.all().count() == 1


async def test_editing_campaigns_needs_the_donations_scope(gql: GraphQLClient) -> None:
    gql.headers.update(await sign_in_with("content:write"))
    refused = await gql.query(CREATE, {"input": APPEAL})
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "donations:write" in refused["errors"][0]["message"]
    assert await Campaign.all().count() == 0
