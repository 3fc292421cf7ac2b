"""A client's mistake gets a clear error naming what was wrong, never an internal one.

A malformed slug, language tag, country code or ID is a ``BAD_USER_INPUT`` error naming the
argument; a well-formed slug that matches nothing is null, as the README promises. The HTTP layer
answers malformed requests (several operations and no name, a subscription over POST, bad JSON
in the URL) with a request error saying what to change.
"""

from __future__ import annotations

import base64
import json
import logging
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from hub.access.models import Role
from tests import factories
from tests.conftest import GraphQLClient
from tests.first_party import first_party_plugins
from tests.test_access_tokens import bearer, sign_in

GRAPHQL_RESPONSE = "application/graphql-response+json"


@pytest.fixture
def extra_plugins() -> list[object]:
    return first_party_plugins()


def no_server_errors(caplog: pytest.LogCaptureFixture) -> None:
    faults = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not faults, [record.getMessage() for record in faults]


def bad_input(body: dict[str, Any], argument: str | None = None) -> str:
    """The message of the one error in ``body``, asserting it is the client's mistake."""
    [error] = body["errors"]
    assert "Internal server error" not in error["message"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    if argument is not None:
        assert error["extensions"]["argument"] == argument
        assert argument in error["message"]
    message: str = error["message"]
    return message


def node_id(type_name: str, key: str) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


NOT_A_SLUG = "is not a slug"

MALFORMED_ARGUMENTS = [
    ('{ post(slug: "BAD SLUG") { id } }', "slug", NOT_A_SLUG),
    ('{ post(slug: "") { id } }', "slug", NOT_A_SLUG),
    ('{ section(slug: "BAD SLUG") { id } }', "slug", NOT_A_SLUG),
    ('{ section(slug: "") { id } }', "slug", NOT_A_SLUG),
    ('{ theme(slug: "BAD SLUG") { id } }', "slug", NOT_A_SLUG),
    ('{ theme(slug: "") { id } }', "slug", NOT_A_SLUG),
    ('{ person(slug: "BAD SLUG") { id } }', "slug", NOT_A_SLUG),
    ('{ person(slug: "") { id } }', "slug", NOT_A_SLUG),
    ('{ event(slug: "BAD SLUG") { id } }', "slug", NOT_A_SLUG),
    ('{ event(slug: "") { id } }', "slug", NOT_A_SLUG),
    ('{ campaign(slug: "BAD SLUG") { id } }', "slug", NOT_A_SLUG),
    ('{ campaign(slug: "") { id } }', "slug", NOT_A_SLUG),
    (f'{{ post(slug: "{"a" * 121}") {{ id }} }}', "slug", "the most is 120"),
    ('{ posts(filter: {theme: ""}) { totalCount } }', "filter.theme", NOT_A_SLUG),
    ('{ posts(filter: {section: "BAD"}) { totalCount } }', "filter.section", NOT_A_SLUG),
    ('{ posts(filter: {author: "a b"}) { totalCount } }', "filter.author", NOT_A_SLUG),
    ('{ posts(filter: {language: "!!"}) { totalCount } }', "filter.language", "BCP 47"),
    ('{ people(filter: {section: "Nope!"}) { totalCount } }', "filter.section", NOT_A_SLUG),
    ('{ sections(filter: {countryCode: "zz"}) { totalCount } }', "filter.countryCode", "ISO"),
    ('{ events(section: "") { totalCount } }', "section", NOT_A_SLUG),
]


@pytest.mark.parametrize(("query", "argument", "says"), MALFORMED_ARGUMENTS)
async def test_a_malformed_slug_tag_or_code_is_bad_user_input_naming_the_argument(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture, query: str, argument: str, says: str
) -> None:
    message = bad_input(await gql.query(query), argument)
    assert message.startswith(f"{argument}: ")
    assert says in message
    no_server_errors(caplog)


@pytest.mark.parametrize("field", ["post", "section", "theme", "person", "event", "campaign"])
async def test_a_well_formed_unknown_slug_is_null(gql: GraphQLClient, field: str) -> None:
    data = await gql.data(f'{{ {field}(slug: "no-such-thing") {{ id }} }}')
    assert data == {field: None}


async def test_filters_by_well_formed_values_still_narrow(gql: GraphQLClient) -> None:
    await factories.section("wilpf-germany", country_code="DE")
    await factories.post("in-german", language="de")
    data = await gql.data(
        """{ sections(filter: {countryCode: "de"}) { totalCount }
             german: posts(filter: {language: "de"}) { totalCount }
             none: posts(filter: {theme: "no-such-theme"}) { totalCount }
             events(section: "no-such-section") { totalCount } }"""
    )
    assert data == {
        "sections": {"totalCount": 1},
        "german": {"totalCount": 1},
        "none": {"totalCount": 0},
        "events": {"totalCount": 0},
    }


START_DONATION = """mutation($input: StartDonationInput!) {
  startDonation(input: $input) { errors { field code } }
}"""


async def test_start_donation_with_a_malformed_campaign_slug_is_bad_user_input(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    variables = {"input": {"campaign": "Bad Slug", "amount": 2500, "currency": "EUR"}}
    body = await gql.query(START_DONATION, variables)
    assert NOT_A_SLUG in bad_input(body, "input.campaign")
    no_server_errors(caplog)


async def test_a_get_with_a_slug_that_is_not_utf8_is_bad_user_input(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    response = await client.get('/graphql?query={ post(slug: "%FF") { id } }')
    assert response.status_code == 200
    bad_input(response.json(), "slug")
    no_server_errors(caplog)


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/events/calendar.ics?section=", 400, "section: '' is not a slug"),
        ("/events/calendar.ics?section=Bad_Slug", 400, "section: 'Bad_Slug' is not a slug"),
        ("/donations/campaigns/Bad_Slug/progress.svg", 404, "'Bad_Slug' is not a slug"),
    ],
)
async def test_routes_answer_a_malformed_slug_with_a_client_error(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, url: str, status: int, says: str
) -> None:
    response = await client.get(url)
    assert response.status_code == status
    assert says in response.text
    no_server_errors(caplog)


NUL_CASES = [
    ("query($v: String!) { people(filter: {role: $v}) { totalCount } }", {"v": "a\x00b"}),
    ("query($v: String!) { search(query: $v) { totalCount } }", {"v": "peace\x00"}),
    ('{ people(filter: {role: "a\\u0000b"}) { totalCount } }', {}),
    (
        "mutation($input: CreateThemeInput!) { createTheme(input: $input) { errors { field } } }",
        {"input": {"slug": "nul-theme", "name": "Nul\x00"}},
    ),
]


@pytest.mark.parametrize(("query", "variables"), NUL_CASES)
async def test_text_holding_the_nul_character_is_refused_before_it_runs(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture, query: str, variables: dict[str, Any]
) -> None:
    gql.headers.update(bearer(await sign_in(Role.ADMIN)))
    body = await gql.query(query, variables)
    assert "data" not in body
    assert "NUL character" in bad_input(body)
    no_server_errors(caplog)


# --- Relay IDs ---------------------------------------------------------------------------------

TOO_BIG = node_id("Post", "99999999999999999999999")


@pytest.mark.parametrize(
    ("query", "variables", "says"),
    [
        ("query($id: ID!) { node(id: $id) { id } }", {"id": TOO_BIG}, "whole numbers"),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": node_id("Post", "2147483648")}, ""),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": node_id("Post", "one")}, ""),
        ("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": [TOO_BIG]}, "whole numbers"),
        ('{ node(id: "garbage") { id } }', {}, "GlobalID"),
        ('{ nodes(ids: ["UG9zdDox", "garbage"]) { id } }', {}, "GlobalID"),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": node_id("Unicorn", "1")}, "Unicorn"),
    ],
)
async def test_a_malformed_node_id_is_bad_user_input(
    gql: GraphQLClient,
    caplog: pytest.LogCaptureFixture,
    query: str,
    variables: dict[str, Any],
    says: str,
) -> None:
    assert says in bad_input(await gql.query(query, variables))
    no_server_errors(caplog)


async def test_an_id_out_of_range_in_a_mutation_is_a_field_error(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture
) -> None:
    gql.headers.update(bearer(await sign_in(Role.ADMIN)))
    data = await gql.data(
        "mutation($id: ID!) { deleteTheme(input: {id: $id, version: 1}) { errors { field } } }",
        {"id": node_id("Theme", "99999999999999999999999")},
    )
    assert data == {"deleteTheme": {"errors": [{"field": "id"}]}}
    no_server_errors(caplog)


def forged_cursor(ordering: str, values: list[Any]) -> str:
    payload = json.dumps([ordering, values]).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


@pytest.mark.parametrize(
    ("field", "cursor"),
    [
        ("posts", forged_cursor("post:published_at:desc", ["2020-01-01T00:00:00+00:00", 2**40])),
        ("posts", forged_cursor("post:published_at:desc", ["9999-12-31T23:59:59-14:00", 1])),
        ("posts(orderBy: {field: TITLE})", forged_cursor("post:title:desc", ["a\x00", 1])),
        ("people", forged_cursor("person:name", ["x", 2**31])),
        ("sections", forged_cursor("section:name", ["x", -(2**63)])),
        ("campaigns", forged_cursor("campaigns_newest", [2**40])),
    ],
)
async def test_a_forged_cursor_is_bad_user_input_not_a_database_error(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture, field: str, cursor: str
) -> None:
    name, _, arguments = field.partition("(")
    arguments = f'(after: "{cursor}", {arguments}' if arguments else f'(after: "{cursor}")'
    body = await gql.query(f"{{ {name}{arguments} {{ totalCount }} }}")
    assert "is not a cursor of this list" in bad_input(body, "after")
    no_server_errors(caplog)


# --- the HTTP transport ------------------------------------------------------------------------

TWO_OPERATIONS = "query First { __typename } query Second { __typename }"


async def test_several_operations_without_a_name_are_a_request_error(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", json={"query": TWO_OPERATIONS})
    assert response.status_code == 200
    body = response.json()
    assert "data" not in body
    assert "operationName" in bad_input(body, None)
    assert body["errors"][0]["extensions"]["argument"] == "operationName"

    strict = await client.post(
        "/graphql", json={"query": TWO_OPERATIONS}, headers={"accept": GRAPHQL_RESPONSE}
    )
    assert strict.status_code == 400
    assert "data" not in strict.json()

    named = await client.post("/graphql", json={"query": TWO_OPERATIONS, "operationName": "Second"})
    assert named.json() == {"data": {"__typename": "Query"}}
    one = await client.get("/graphql", params={"query": "query Only { __typename }"})
    assert one.json() == {"data": {"__typename": "Query"}}


SUBSCRIPTION = 'subscription { campaignProgress(slug: "peace") { percent } }'


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_a_subscription_over_http_points_to_the_websocket_protocol(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, method: str
) -> None:
    if method == "GET":
        response = await client.get("/graphql", params={"query": SUBSCRIPTION})
    else:
        response = await client.post("/graphql", json={"query": SUBSCRIPTION})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert "graphql-transport-ws" in error["message"]
    assert "WebSocket" in error["message"]
    no_server_errors(caplog)


@pytest.mark.parametrize(
    ("parameters", "status", "says"),
    [
        ("variables={bad", 400, "The `variables` query parameter is not valid JSON"),
        ("variables=[1]", 400, "The `variables` query parameter must be a JSON object or null"),
        ("variables=3", 400, "got a number"),
        ("variables=null", 200, None),
        ("variables=", 200, None),
        ("extensions=null", 200, None),
        ("extensions=", 200, None),
        ("extensions=[1]", 400, "extensions"),
    ],
)
async def test_json_in_the_url_is_read_as_the_spec_says(
    client: httpx.AsyncClient, parameters: str, status: int, says: str | None
) -> None:
    response = await client.get(f"/graphql?query={quote('{ __typename }')}&{parameters}")
    assert response.status_code == status, response.text
    if says is None:
        assert response.json() == {"data": {"__typename": "Query"}}
    else:
        [error] = response.json()["errors"]
        assert says in error["message"]
        assert "request body" not in error["message"]
        assert "NoneType" not in error["message"]
