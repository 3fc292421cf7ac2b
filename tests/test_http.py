"""GraphQL over HTTP and the safe defaults around it, through the real application in-process."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
import strawberry
from graphql import get_introspection_query

from hub.graphql.safety import MASKED_MESSAGE
from hub.settings import Settings
from tests.conftest import GraphQLClient
from tests.plugin_helpers import make_plugin

SECRET = "password=hunter2 in the resolver's stack"
mutation_calls: list[str] = []


@strawberry.type
class Branch:
    """A tree as deep as a query asks: a handy way to hit the depth limit."""

    @strawberry.field
    def child(self) -> Branch:
        return Branch()


@strawberry.type
class HttpProbeQueries:
    @strawberry.field
    def tree(self) -> Branch:
        return Branch()

    @strawberry.field
    def explode(self) -> str | None:
        raise RuntimeError(SECRET)


@strawberry.type
class HttpProbeMutations:
    @strawberry.mutation
    def touch(self) -> int:
        mutation_calls.append("touch")
        return len(mutation_calls)


@pytest.fixture
def extra_plugins() -> list[object]:
    return [
        make_plugin(
            "http_probe",
            register_queries=lambda: [HttpProbeQueries],
            register_mutations=lambda: [HttpProbeMutations],
        )
    ]


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Settings a test changes, by parametrizing this fixture."""
    return {}


@pytest.fixture
def settings(settings: Settings, settings_overrides: dict[str, Any]) -> Settings:
    return replace(settings, **settings_overrides)


def overrides(**values: Any) -> Any:
    return pytest.mark.parametrize(
        "settings_overrides", [values], ids=[",".join(f"{k}={v}" for k, v in values.items())]
    )


GRAPHQL_RESPONSE = "application/graphql-response+json"


# --- GET and POST -------------------------------------------------------------------------------


async def test_get_runs_a_query_and_answers_json(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql", params={"query": "{ __typename }"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_get_query_reads_url_encoded_variables(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql",
        params={
            "query": "query T($name: String!) { __type(name: $name) { name } }",
            "variables": '{"name": "Branch"}',
        },
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"__type": {"name": "Branch"}}}


async def test_mutation_over_get_is_refused_with_405_and_allow_post(
    client: httpx.AsyncClient,
) -> None:
    calls_before = len(mutation_calls)
    response = await client.get("/graphql", params={"query": "mutation { touch }"})
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json() == {"errors": [{"message": "Mutations are only accepted over POST."}]}
    assert len(mutation_calls) == calls_before, "the mutation ran despite the refusal"


async def test_the_same_mutation_over_post_runs(gql: GraphQLClient) -> None:
    calls_before = len(mutation_calls)
    data = await gql.data("mutation { touch }")
    assert data == {"touch": calls_before + 1}


async def test_other_methods_get_405_naming_get_and_post(client: httpx.AsyncClient) -> None:
    response = await client.put("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 405
    assert set(response.headers["allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


# --- Media types and status codes (GraphQL over HTTP) -------------------------------------------


async def test_graphql_response_json_is_used_when_the_client_asks_for_it(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"accept": f"{GRAPHQL_RESPONSE}, application/json;q=0.9"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "accept", [None, "*/*", "application/json", f"application/json, {GRAPHQL_RESPONSE};q=0.5"]
)
async def test_application_json_is_the_default(
    client: httpx.AsyncClient, accept: str | None
) -> None:
    headers = {} if accept is None else {"accept": accept}
    response = await client.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    ("query", "variables", "message"),
    [
        ("{", None, "Syntax Error"),
        ("{ noSuchField }", None, "Cannot query field 'noSuchField'"),
        (
            "query Q($name: String!) { __type(name: $name) { name } }",
            {"name": None},
            "Variable '$name' has invalid value",
        ),
    ],
    ids=["parse", "validation", "variables"],
)
async def test_request_errors_have_no_data_and_a_status_per_media_type(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None, message: str
) -> None:
    body = {"query": query, "variables": variables}
    legacy = await client.post("/graphql", json=body, headers={"accept": "application/json"})
    assert legacy.status_code == 200
    assert "data" not in legacy.json()
    assert message in legacy.json()["errors"][0]["message"]

    modern = await client.post("/graphql", json=body, headers={"accept": GRAPHQL_RESPONSE})
    assert modern.status_code == 400
    assert modern.headers["content-type"] == GRAPHQL_RESPONSE
    assert "data" not in modern.json()
    assert message in modern.json()["errors"][0]["message"]


async def test_field_errors_keep_data_and_200_with_graphql_response_json(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ explode }"}, headers={"accept": GRAPHQL_RESPONSE}
    )
    assert response.status_code == 200
    assert response.json()["data"] == {"explode": None}
    assert response.json()["errors"][0]["path"] == ["explode"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{ "not a JSON', "The request body is not valid JSON"),
        (b"", "The request body is not valid JSON"),
        (b"\xff\xfe{}", "The request body is not valid JSON"),
        (b"42", 'Expected a JSON object such as {"query": "{ __typename }"}, got a number.'),
        (b'"{ __typename }"', "Expected a JSON object"),
    ],
    ids=["truncated", "empty", "not-utf8", "number", "string"],
)
async def test_malformed_json_body_is_a_400_with_a_clear_message(
    client: httpx.AsyncClient, body: bytes, message: str
) -> None:
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    assert message in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"notquery": "{ __typename }"}, "No GraphQL query found in the request"),
        ({"query": 0}, "`query` must be a string"),
        ({"query": "{ __typename }", "variables": "x"}, "`variables` must be an object"),
    ],
    ids=["no-query", "query-not-string", "variables-not-object"],
)
async def test_invalid_parameters_are_a_400(
    client: httpx.AsyncClient, body: dict[str, Any], message: str
) -> None:
    response = await client.post("/graphql", json=body)
    assert response.status_code == 400
    assert message in response.json()["errors"][0]["message"]


async def test_post_without_content_type_is_a_4xx(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", content=b'{"query": "{ __typename }"}')
    assert response.status_code == 400
    assert response.json() == {"errors": [{"message": "Unsupported content type"}]}


# --- Request body size ---------------------------------------------------------------------------


def padded_query(size: int) -> bytes:
    body = b'{"query": "{ __typename }"}'
    return body[:-1] + b" " * (size - len(body)) + b"}"


@overrides(max_body_bytes=256)
async def test_body_over_the_limit_with_content_length_is_a_413(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql", content=padded_query(257), headers={"content-type": "application/json"}
    )
    assert response.request.headers["content-length"] == "257"
    assert response.status_code == 413
    message = response.json()["errors"][0]["message"]
    assert "256 bytes" in message
    assert "HUB_MAX_BODY_BYTES" in message


@overrides(max_body_bytes=256)
async def test_body_at_the_limit_is_accepted(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content=padded_query(256), headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


@overrides(max_body_bytes=256)
async def test_chunked_body_over_the_limit_without_content_length_is_a_413(
    client: httpx.AsyncClient,
) -> None:
    body = padded_query(1000)

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(body), 100):
            yield body[start : start + 100]

    response = await client.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert response.status_code == 413
    assert "256 bytes" in response.json()["errors"][0]["message"]


# --- Query limits ---------------------------------------------------------------------------------


def tree_query(depth: int) -> str:
    """A query ``depth`` fields deep: ``tree`` then ``child`` repeated."""
    return "{ tree " + "{ child " * (depth - 1) + "{ __typename }" + " }" * (depth - 1) + " }"


async def test_query_at_the_default_depth_limit_runs(gql: GraphQLClient) -> None:
    data = await gql.data(tree_query(10))
    assert "tree" in data


async def test_query_deeper_than_the_limit_is_refused_naming_the_limit(gql: GraphQLClient) -> None:
    message = await gql.error(tree_query(11))
    assert "exceeds maximum operation depth of 10" in message


@overrides(max_query_depth=3)
async def test_depth_limit_is_configurable(gql: GraphQLClient) -> None:
    assert "maximum operation depth of 3" in await gql.error(tree_query(4))


def aliases_query(count: int) -> str:
    return "{ " + " ".join(f"a{index}: __typename" for index in range(count)) + " }"


async def test_more_aliases_than_allowed_is_refused_naming_the_limit(gql: GraphQLClient) -> None:
    assert len(await gql.data(aliases_query(15))) == 15
    message = await gql.error(aliases_query(16))
    assert message == "16 aliases found. Allowed: 15"


async def test_too_many_tokens_is_refused_naming_the_limit(gql: GraphQLClient) -> None:
    message = await gql.error("{ " + "__typename " * 2000 + "}")
    assert "more than 2000 tokens" in message


async def test_graphiql_introspection_query_passes_every_limit(gql: GraphQLClient) -> None:
    # What GraphiQL sends on load: it nests ``ofType`` far deeper than the depth limit.
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    data = await gql.data(query)
    type_names = {entry["name"] for entry in data["__schema"]["types"]}
    assert {"Query", "Mutation", "Branch"} <= type_names


# --- Errors --------------------------------------------------------------------------------------


async def test_resolver_exception_is_masked_and_logged_outside_debug(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="hub.graphql"):
        response = await client.post("/graphql", json={"query": "{ explode }"})
    assert response.status_code == 200
    assert response.json() == {
        "data": {"explode": None},
        "errors": [
            {
                "message": MASKED_MESSAGE,
                "locations": [{"line": 1, "column": 3}],
                "path": ["explode"],
            }
        ],
    }
    assert SECRET not in response.text
    assert "Traceback" not in response.text
    assert any(SECRET in record.getMessage() for record in caplog.records)


@overrides(debug=True)
async def test_resolver_exception_is_shown_in_debug_mode(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": "{ explode }"})
    assert response.status_code == 200
    assert response.json()["errors"][0]["message"] == SECRET
    assert response.json()["data"] == {"explode": None}


# --- Browser and CORS ----------------------------------------------------------------------------


async def test_browser_get_serves_graphiql(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/graphql", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


async def test_get_without_query_for_a_json_client_is_a_400(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"accept": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"errors": [{"message": "No GraphQL query found in the request"}]}


def preflight(origin: str) -> dict[str, str]:
    return {
        "origin": origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, authorization",
    }


@overrides(cors_origins=("https://partner.example",))
async def test_cors_preflight_with_a_token_is_allowed_only_from_configured_origins(
    client: httpx.AsyncClient,
) -> None:
    allowed = await client.options("/graphql", headers=preflight("https://partner.example"))
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == "https://partner.example"
    assert "POST" in allowed.headers["access-control-allow-methods"]

    refused = await client.options("/graphql", headers=preflight("https://evil.example"))
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers


@overrides(cors_public_reads=False)
async def test_no_cors_headers_when_no_origin_is_configured_and_public_reads_are_off(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql",
        json={"query": "{ __typename }"},
        headers={"origin": "https://partner.example"},
    )
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
