"""Public reads from any origin (``HUB_CORS_PUBLIC_READS``, on by default), as in Ghost's
Content API: a page anywhere may read what anyone may read, and nothing more."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import hub_delivery.plugin
import pytest
import strawberry

from hub.settings import Settings
from tests.plugin_helpers import make_plugin

STRANGER = "https://stranger.example"
PARTNER = "https://partner.example"
touched: list[str] = []


@strawberry.type
class CorsProbeMutations:
    @strawberry.mutation
    def touch_for_cors(self) -> int:
        touched.append("touch")
        return len(touched)


@pytest.fixture
def extra_plugins() -> list[object]:
    return [
        hub_delivery.plugin,
        make_plugin("cors_probe", register_mutations=lambda: [CorsProbeMutations]),
    ]


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
def settings(settings: Settings, settings_overrides: dict[str, Any]) -> Settings:
    return replace(settings, **settings_overrides)


def from_origin(origin: str = STRANGER, **headers: str) -> dict[str, str]:
    return {"origin": origin, **headers}


def preflight(origin: str, request_headers: str) -> dict[str, str]:
    return {
        "origin": origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": request_headers,
    }


async def test_anonymous_get_is_readable_from_any_origin(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql", params={"query": "{ __typename }"}, headers=from_origin()
    )
    assert response.json() == {"data": {"__typename": "Query"}}
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    exposed = {
        name.strip() for name in response.headers["access-control-expose-headers"].split(",")
    }
    # A page reads the validator, and what its query cost against the budget.
    assert {"ETag", "Hub-Query-Cost"} <= exposed
    assert response.headers["hub-query-cost"].isdigit()


async def test_anonymous_get_is_the_same_with_or_without_an_origin(
    client: httpx.AsyncClient,
) -> None:
    # One answer whatever the Origin: a shared cache may hand it to any page.
    without = await client.get("/graphql", params={"query": "{ __typename }"})
    assert without.headers["access-control-allow-origin"] == "*"
    assert "origin" not in without.headers.get("vary", "").lower()


async def test_anonymous_query_over_post_is_readable_from_any_origin(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers=from_origin()
    )
    assert response.json() == {"data": {"__typename": "Query"}}
    assert response.headers["access-control-allow-origin"] == "*"


async def test_a_request_error_of_an_anonymous_query_is_readable_too(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", json={"query": "{ nope }"}, headers=from_origin())
    assert "nope" in response.json()["errors"][0]["message"]
    assert response.headers["access-control-allow-origin"] == "*"


async def test_an_unknown_persisted_query_is_readable_so_the_client_can_send_it(
    client: httpx.AsyncClient,
) -> None:
    # Automatic Persisted Queries: the client sends the hash alone first, and must read the
    # answer to know it should send the document (the delivery plugin answers before Strawberry).
    response = await client.post(
        "/graphql",
        json={"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}},
        headers=from_origin(),
    )
    assert response.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert response.headers["access-control-allow-origin"] == "*"


async def test_preflight_of_an_anonymous_request_succeeds_from_any_origin(
    client: httpx.AsyncClient,
) -> None:
    response = await client.options("/graphql", headers=preflight(STRANGER, "content-type"))
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in response.headers
    # Cached by the browser: it must not let a later request send a token without asking.
    assert "authorization" not in response.headers["access-control-allow-headers"]


async def test_preflight_asking_to_send_a_token_is_refused_to_unknown_origins(
    client: httpx.AsyncClient,
) -> None:
    response = await client.options(
        "/graphql", headers=preflight(STRANGER, "content-type, authorization")
    )
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers
    message = response.json()["errors"][0]["message"]
    assert STRANGER in message
    assert "credentials" in message


async def test_anonymous_mutation_carries_no_cors_header(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "mutation { touchForCors }"}, headers=from_origin()
    )
    assert "touchForCors" in response.json()["data"]
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize(
    "credentials",
    [{"authorization": "Bearer not-a-real-token"}, {"cookie": "session=1"}],
    ids=["token", "cookie"],
)
async def test_requests_with_credentials_are_not_public(
    client: httpx.AsyncClient, credentials: dict[str, str]
) -> None:
    get = await client.get(
        "/graphql", params={"query": "{ __typename }"}, headers=from_origin(**credentials)
    )
    post = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers=from_origin(**credentials)
    )
    for response in (get, post):
        assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize(
    "settings_overrides", [{"cors_origins": (PARTNER,)}], ids=["partner-origin"]
)
async def test_allowed_origins_keep_their_own_answer_for_tokens_and_mutations(
    client: httpx.AsyncClient,
) -> None:
    with_token = await client.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers=from_origin(PARTNER, authorization="Bearer not-a-real-token"),
    )
    mutation = await client.post(
        "/graphql", json={"query": "mutation { touchForCors }"}, headers=from_origin(PARTNER)
    )
    for response in (with_token, mutation):
        assert response.headers["access-control-allow-origin"] == PARTNER
        assert "Origin" in response.headers["vary"]


@pytest.mark.parametrize(
    "settings_overrides", [{"cors_public_reads": False}], ids=["public-reads-off"]
)
async def test_public_reads_can_be_switched_off(client: httpx.AsyncClient) -> None:
    get = await client.get("/graphql", params={"query": "{ __typename }"}, headers=from_origin())
    post = await client.post("/graphql", json={"query": "{ __typename }"}, headers=from_origin())
    for response in (get, post):
        assert "access-control-allow-origin" not in response.headers
    refused = await client.options("/graphql", headers=preflight(STRANGER, "content-type"))
    assert refused.status_code >= 400
    assert "access-control-allow-origin" not in refused.headers
