"""With ``HUB_DEBUG`` on, each response says how many SQL statements it took, per request."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import httpx
import pytest

from hub.settings import Settings
from tests import factories
from tests.conftest import SQLCounter

#: The README's front page, as printed there.
FRONT_PAGE = """
{
  posts(first: 20) {
    totalCount
    edges {
      cursor
      node {
        title slug publishedAt excerpt readingTimeMinutes
        authors { name role }
        themes { name }
        sections { name countryCode }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""


@pytest.fixture
def debug() -> bool:
    return True


@pytest.fixture
def settings(settings: Settings, debug: bool) -> Settings:
    return replace(settings, debug=debug)


async def seed_posts(count: int) -> None:
    sections = [await factories.section(country_code=code) for code in ("DE", "ES", "CM")]
    people = [await factories.person() for _ in range(4)]
    themes = [await factories.theme() for _ in range(3)]
    for n in range(count):
        await factories.post(
            authors=[people[n % 4], people[(n + 1) % 4]],
            themes=[themes[n % 3]],
            sections=[sections[n % 3], sections[(n + 1) % 3]],
        )


async def post(client: httpx.AsyncClient, query: str) -> httpx.Response:
    response = await client.post("/graphql", json={"query": query})
    assert response.status_code == 200, response.text
    assert "errors" not in response.json(), response.json()
    return response


async def test_the_front_page_header_gives_its_true_statement_count(
    client: httpx.AsyncClient, sql_counter: SQLCounter
) -> None:
    await seed_posts(30)
    sql_counter.reset()

    response = await post(client, FRONT_PAGE)

    assert len(response.json()["data"]["posts"]["edges"]) == 20
    # The page, its count, and the authors, themes and sections of all 20 in one UNION ALL.
    assert sql_counter.count == 3, sql_counter.statements
    assert response.headers["x-hub-sql-statements"] == str(sql_counter.count)


async def test_a_request_without_sql_says_zero(client: httpx.AsyncClient) -> None:
    response = await post(client, "{ __typename }")
    assert response.headers["x-hub-sql-statements"] == "0"


async def test_concurrent_requests_count_only_their_own_statements(
    client: httpx.AsyncClient,
) -> None:
    await seed_posts(30)
    queries = {
        FRONT_PAGE: "3",
        "{ posts(first: 5) { edges { node { slug } } } }": "1",
        "{ __typename }": "0",
    }
    batch = [query for query in queries for _ in range(4)]

    responses = await asyncio.gather(*(post(client, query) for query in batch))

    assert [r.headers["x-hub-sql-statements"] for r in responses] == [
        queries[query] for query in batch
    ]


@pytest.mark.parametrize("debug", [False])
async def test_the_header_is_absent_when_debug_is_off(client: httpx.AsyncClient) -> None:
    response = await post(client, FRONT_PAGE)
    assert "x-hub-sql-statements" not in response.headers
