"""No anonymous query can exhaust the server: a cost budget before execution, a size ceiling after.

Every operation is measured before any resolver runs; one over its budget is refused without a
single SQL statement. Partner keys' own budgets are tested in ``test_delivery_partners.py``.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import strawberry
from graphql import DocumentNode, OperationDefinitionNode, parse, validate
from starlette.applications import Starlette

from hub import Role, cost_hint
from hub.graphql.budget import QueryBudget, default_budget, over_budget
from hub.graphql.cost import DEFAULT_LIST_SIZE, graphql_schema_of, measure
from hub.graphql.schema import build_schema
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from tests import factories
from tests.conftest import GraphQLClient, SQLCounter
from tests.first_party import ROOT, first_party_plugins
from tests.petitions import plugin as petitions
from tests.plugin_helpers import make_plugin
from tests.test_access_tokens import bearer, sign_in

#: 84 tokens, depth 9, no aliases: within every other limit, and 426 MB of answer on demo data.
EXHAUSTING = (
    "{ themes { posts(first:100) { edges { node { authors { posts(first:100) "
    "{ edges { node { title body } } } } } } } } }"
)
EXHAUSTING_COST = 12_084_041
FRONT_PAGE = """{
  posts(first: 20) {
    totalCount
    edges { cursor node {
      title slug publishedAt excerpt readingTimeMinutes
      authors { name role } themes { name } sections { name countryCode }
    } }
    pageInfo { hasNextPage endCursor }
  }
}"""


@pytest.fixture
def limits() -> dict[str, int]:
    """Core limits a test sets; parametrize it to change them."""
    return {}


@pytest.fixture
def settings(database_url: str, tmp_path: Path, limits: dict[str, int]) -> Settings:
    return Settings(data_dir=tmp_path, database_url=database_url, **limits)  # type: ignore[arg-type]


@functools.cache
def first_party_schema(*tutorials: ModuleType) -> strawberry.Schema:
    """The first-party schema, with the plugins a guide's tutorial builds; built once a process."""
    plugins = [*first_party_plugins(), *tutorials]
    pm = get_plugin_manager(extra_plugins=plugins, load_entry_points=False)
    return build_schema(pm, Settings()).schema


# --- Refused before execution --------------------------------------------------------------------


async def test_a_query_that_would_answer_hundreds_of_megabytes_is_refused_before_any_sql(
    client: httpx.AsyncClient, sql_counter: SQLCounter
) -> None:
    author = await factories.person()
    theme = await factories.theme()
    await factories.post(authors=[author], themes=[theme])
    sql_counter.reset()
    answer = await client.post("/graphql", json={"query": EXHAUSTING})
    assert sql_counter.count == 0, sql_counter.statements
    assert answer.status_code == 200
    body = answer.json()
    assert "data" not in body
    [error] = body["errors"]
    assert error["message"] == (
        f"This operation's cost is {EXHAUSTING_COST}, over the default max-cost of 50000 "
        "(HUB_MAX_QUERY_COST): ask for fewer fields or smaller pages."
    )
    assert error["extensions"] == {
        "code": "QUERY_BUDGET_EXCEEDED",
        "limit": "max-cost",
        "value": EXHAUSTING_COST,
        "maximum": 50000,
    }
    strict = await client.post(
        "/graphql",
        json={"query": EXHAUSTING},
        headers={"accept": "application/graphql-response+json"},
    )
    assert strict.status_code == 400  # a request error, as for other validation errors
    assert sql_counter.count == 0, sql_counter.statements


async def test_staff_tokens_without_a_budget_of_their_own_get_the_default(
    client: httpx.AsyncClient,
) -> None:
    editor = await sign_in(Role.EDITOR)
    answer = await client.post("/graphql", json={"query": EXHAUSTING}, headers=bearer(editor))
    assert answer.json()["errors"][0]["extensions"]["code"] == "QUERY_BUDGET_EXCEEDED"


async def test_an_admitted_operation_reports_its_cost_in_a_header(
    client: httpx.AsyncClient,
) -> None:
    await factories.post()
    answer = await client.post("/graphql", json={"query": FRONT_PAGE})
    assert answer.json()["data"]["posts"]["totalCount"] == 1
    assert answer.headers["hub-query-cost"] == "2206"
    smaller = {"query": "query($n: Int) { posts(first: $n) { edges { node { slug } } } }"}
    for n, cost in ((1, 1 + 1 + 1 * 2), (100, 1 + 1 + 100 * 2)):
        answer = await client.post("/graphql", json={**smaller, "variables": {"n": n}})
        assert answer.headers["hub-query-cost"] == str(cost)
    refused = await client.post("/graphql", json={"query": EXHAUSTING})
    assert "hub-query-cost" not in refused.headers


@pytest.mark.parametrize("limits", [{"max_query_cost": 100}])
async def test_the_default_budget_is_a_setting(gql: GraphQLClient) -> None:
    message = await gql.error(FRONT_PAGE)
    assert message.startswith("This operation's cost is 2206, over the default max-cost of 100")
    assert await gql.data("{ themes { slug } }") == {"themes": []}


# --- The documented queries fit ------------------------------------------------------------------

DOCUMENTS = [
    ROOT / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
    *sorted((ROOT / "plugins").glob("*/README.md")),
]
#: Plugins a guide builds in its tutorial, whose operations it shows.
TUTORIAL_PLUGINS = {ROOT / "docs" / "plugins.md": (petitions,)}
GRAPHQL_BLOCK = re.compile(r"^```graphql\n(.*?)^```", re.MULTILINE | re.DOTALL)


def documented_operations() -> list[Any]:
    """Each operation of every ``graphql`` code block, with the fragments it may use."""
    found = []
    for path in DOCUMENTS:
        for block in GRAPHQL_BLOCK.findall(path.read_text(encoding="utf-8")):
            document = parse(block)
            fragments = [
                d for d in document.definitions if not isinstance(d, OperationDefinitionNode)
            ]
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            for number, operation in enumerate(operations):
                single = DocumentNode(definitions=(operation, *fragments))
                label = f"{path.relative_to(ROOT)}#{len(found)}.{number}"
                tutorials = TUTORIAL_PLUGINS.get(path, ())
                found.append(pytest.param(single, block, tutorials, id=label))
    return found


def test_the_documents_show_graphql_queries() -> None:
    assert len(documented_operations()) >= 8


@pytest.mark.parametrize(("document", "text", "tutorials"), documented_operations())
def test_every_documented_operation_fits_the_default_budget(
    document: DocumentNode, text: str, tutorials: tuple[ModuleType, ...]
) -> None:
    schema = first_party_schema(*tutorials)
    assert validate(graphql_schema_of(schema), document) == []
    measured = measure(schema, document, text, None)
    cost, error = over_budget(measured, default_budget(Settings()), None)
    assert error is None, error
    assert cost <= Settings().max_query_cost // 4  # room for a reader's own fields


def test_the_widget_operation_fits_the_default_budget_at_its_largest() -> None:
    from hub_delivery.widget import MAX_LIMIT, OPERATION

    schema = first_party_schema()
    measured = measure(schema, parse(OPERATION), OPERATION, None)
    assert over_budget(measured, default_budget(Settings()), {"first": MAX_LIMIT})[1] is None


# --- The rules, and hints for plugin fields ------------------------------------------------------


@strawberry.type
class Word:
    text: str


@strawberry.type
class WordQueries:
    @strawberry.field(metadata=cost_hint(weight=50))
    def translation(self) -> str:
        return "slow"

    @strawberry.field(metadata=cost_hint(items=1000))
    def dictionary(self) -> list[Word]:
        return []

    @strawberry.field
    def recent_words(self, first: int = 5) -> list[Word]:
        return []

    @strawberry.field
    def top_words(self, limit: int) -> list[Word]:
        return []

    @strawberry.field
    def unbounded_words(self) -> list[Word]:
        return []


def words_schema() -> strawberry.Schema:
    plugin = make_plugin("words", register_queries=lambda: [WordQueries])
    pm = get_plugin_manager(extra_plugins=[plugin], load_entry_points=False)
    return build_schema(pm, Settings()).schema


@pytest.mark.parametrize(
    ("query", "variables", "cost"),
    [
        ("{ translation }", None, 50),
        ("{ dictionary { text } }", None, 1 + 1000 * 1),
        ("{ recentWords { text } }", None, 1 + 5 * 1),
        ("{ recentWords(first: 2) { text } }", None, 1 + 2 * 1),
        ("{ topWords(limit: 7) { text } }", None, 1 + 7 * 1),
        ("query($n: Int!) { topWords(limit: $n) { text } }", {"n": 30}, 1 + 30 * 1),
        ("query($n: Int! = 3) { topWords(limit: $n) { text } }", None, 1 + 3 * 1),
        ("{ unboundedWords { text } }", None, 1 + DEFAULT_LIST_SIZE * 1),
        ('{ nodes(ids: ["a", "b", "c"]) { id } }', None, 1 + 3 * 1),
        ("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": list("abcde")}, 1 + 5),
        ("{ posts(last: 3) { edges { node { slug title } } } }", None, 1 + 1 + 3 * (1 + 2)),
        ("{ posts { totalCount edges { cursor } } }", None, 1 + 1 + 1 + DEFAULT_LIST_SIZE),
        ("{ __schema { types { name fields { name } } } }", None, 0),
    ],
)
def test_list_sizes_multiply_what_is_under_them(
    query: str, variables: dict[str, Any] | None, cost: int
) -> None:
    schema = words_schema()
    document = parse(query)
    assert validate(graphql_schema_of(schema), document) == []
    assert measure(schema, document, query, None).cost(variables) == cost


def test_a_budget_names_its_owner_in_the_error() -> None:
    measured = measure(words_schema(), parse("{ dictionary { text } }"), "", None)
    stingy = QueryBudget(max_cost=1000, owner="this plan's")
    cost, error = over_budget(measured, stingy, None)
    assert cost == 1001
    assert error is not None
    assert error.message.startswith("This operation's cost is 1001, over this plan's max-cost")


def test_the_graphql_core_schema_is_where_strawberry_keeps_it() -> None:
    # ``graphql_schema_of`` reads Strawberry's private ``_schema``: this fails if it moves.
    schema = words_schema()
    assert graphql_schema_of(schema).query_type is not None


# --- The response ceiling ------------------------------------------------------------------------


@pytest.mark.parametrize("limits", [{"max_response_bytes": 4096}])
async def test_an_answer_over_the_size_ceiling_is_refused_not_sent(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    for _ in range(3):
        await factories.post(body="<p>" + "words " * 300 + "</p>")
    small = await client.post("/graphql", json={"query": "{ posts { edges { node { slug } } } }"})
    assert len(small.json()["data"]["posts"]["edges"]) == 3
    query = {"query": "{ posts { edges { node { body } } } }"}
    for accept in ("application/json", "application/graphql-response+json"):
        answer = await client.post("/graphql", json=query, headers={"accept": accept})
        assert answer.status_code == 200
        assert len(answer.content) < 4096, answer.text[:300]
        body = answer.json()
        assert body["data"] is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == "RESPONSE_TOO_LARGE"
        assert error["extensions"]["maximum"] == 4096
        size = error["extensions"]["size"]
        assert size > 4096
        assert error["message"] == (
            f"The answer is {size} bytes, over the 4096 bytes this server sends "
            "(HUB_MAX_RESPONSE_BYTES): ask for fewer fields or smaller pages."
        )
