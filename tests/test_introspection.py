"""``HUB_INTROSPECTION``: on by default (GraphiQL needs it); off, the schema is not given away,
neither by introspection nor by the names errors suggest."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from graphql import parse
from strawberry.schema import schema as strawberry_schema

from hub.graphql.introspection import STRAWBERRY_RULES
from hub.settings import Settings
from tests.conftest import GraphQLClient

OFF = pytest.mark.parametrize(
    "settings_overrides",
    [
        {"introspection": False},
        {"introspection": False, "compiled_execution": False},
    ],
    ids=["introspection-off", "introspection-off-graphql-core"],
)

SCHEMA = "{ __schema { queryType { name } } }"
TYPE = '{ __type(name: "Post") { name fields { name } } }'
FIELD_TYPO = "{ postz(first: 1) { totalCount } }"
ARGUMENT_TYPO = "{ posts(frist: 1) { totalCount } }"
ENUM_VARIABLE = """query($direction: OrderDirection!) {
  posts(orderBy: { direction: $direction }) { totalCount }
}"""


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
def settings(settings: Settings, settings_overrides: dict[str, Any]) -> Settings:
    return replace(settings, **settings_overrides)


async def test_introspection_and_suggestions_are_on_by_default(gql: GraphQLClient) -> None:
    assert await gql.data(SCHEMA) == {"__schema": {"queryType": {"name": "Query"}}}
    assert (await gql.data(TYPE))["__type"]["name"] == "Post"
    assert "Did you mean 'post' or 'posts'?" in await gql.error(FIELD_TYPO)
    assert "Did you mean 'first'" in await gql.error(ARGUMENT_TYPO)
    assert "Did you mean" in await gql.error(ENUM_VARIABLE, {"direction": "DES"})


@OFF
async def test_without_introspection_schema_and_type_queries_are_refused(
    gql: GraphQLClient,
) -> None:
    for query, field in ((SCHEMA, "__schema"), (TYPE, "__type")):
        body = await gql.query(query)
        assert "data" not in body
        assert body["errors"][0]["message"] == (
            "GraphQL introspection has been disabled, but the requested query contained "
            f"the field '{field}'."
        )
    # Clients still learn which type an object is.
    assert await gql.data("{ __typename }") == {"__typename": "Query"}


@OFF
async def test_without_introspection_errors_suggest_no_names(gql: GraphQLClient) -> None:
    field = await gql.error(FIELD_TYPO)
    assert field == "Cannot query field 'postz' on type 'Query'."
    argument = await gql.error(ARGUMENT_TYPO)
    assert argument == "Unknown argument 'frist' on field 'Query.posts'."
    # Variables are coerced at execution, where graphql-core suggests names as well.
    variable = await gql.error(ENUM_VARIABLE, {"direction": "DES"})
    assert "DES" in variable
    assert "Did you mean" not in variable
    assert "DESC" not in variable
    # What runs is unchanged.
    assert await gql.data(ENUM_VARIABLE, {"direction": "DESC"}) == {"posts": {"totalCount": 0}}


def test_validation_without_suggestions_adds_the_rules_strawberry_adds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``validate_without_suggestions`` repeats Strawberry's ``validate_document`` with one
    more argument; this fails when a Strawberry upgrade changes the rules it adds."""
    seen: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        strawberry_schema, "validate", lambda schema, document, rules: seen.append(rules) or []
    )
    strawberry_schema.validate_document(None, parse("{ a }"), ())  # type: ignore[arg-type]
    assert seen == [STRAWBERRY_RULES]
