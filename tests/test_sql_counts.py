"""The front page costs a constant number of SQL statements, whatever the page size.

Every count holds with compiled execution on (the default) and off (graphql-core's walk).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from hub.content.models import Post
from hub.content.relations import BATCH, fetch_post_relations
from hub.settings import Settings
from tests import factories
from tests.conftest import GraphQLClient, SQLCounter

FRONT_PAGE = """
query FrontPage($first: Int!) {
  posts(first: $first) {
    edges { node {
      title slug publishedAt excerpt
      authors { name role }
      themes { name }
      sections { name countryCode }
    } }
  }
}
"""


@pytest.fixture(params=[True, False], ids=["compiled", "graphql-core"])
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    return replace(settings, compiled_execution=request.param)


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


@pytest.mark.parametrize("page_size", [1, 20, 100])
async def test_front_page_runs_two_statements(
    gql: GraphQLClient, sql_counter: SQLCounter, page_size: int
) -> None:
    await seed_posts(100)
    sql_counter.reset()
    data = await gql.data(FRONT_PAGE, {"first": page_size})
    edges = data["posts"]["edges"]
    assert len(edges) == page_size
    assert all(len(edge["node"]["authors"]) == 2 for edge in edges)
    assert all(len(edge["node"]["sections"]) == 2 for edge in edges)
    # the posts, then the authors, themes and sections of them all in one statement
    assert sql_counter.count == 2, sql_counter.statements


async def test_a_relation_asked_alone_reads_only_its_own_tables(
    gql: GraphQLClient, sql_counter: SQLCounter
) -> None:
    await seed_posts(5)
    sql_counter.reset()
    data = await gql.data("{ posts(first: 5) { edges { node { authors { name } } } } }")
    assert [len(edge["node"]["authors"]) for edge in data["posts"]["edges"]] == [2] * 5
    assert sql_counter.count == 2, sql_counter.statements
    relations = sql_counter.statements[1]
    assert "hub_post_author" in relations
    assert "hub_post_theme" not in relations
    assert "hub_post_section" not in relations


async def test_people_with_sections_batch_the_section_lookup(
    gql: GraphQLClient, sql_counter: SQLCounter
) -> None:
    for code in ("DE", "ES", "CM", "AF"):
        home = await factories.section(country_code=code)
        for _ in range(3):
            await factories.person(section=home)
    sql_counter.reset()
    data = await gql.data("{ people(first: 12) { edges { node { name section { name } } } } }")
    assert len(data["people"]["edges"]) == 12
    assert sql_counter.count == 2, sql_counter.statements


async def test_sections_with_people_batch_the_people_lookup(
    gql: GraphQLClient, sql_counter: SQLCounter
) -> None:
    for code in ("DE", "ES", "CM", "AF", "US"):
        home = await factories.section(country_code=code)
        await factories.person(section=home)
    sql_counter.reset()
    data = await gql.data("{ sections(first: 5) { edges { node { name people { name } } } } }")
    assert [len(edge["node"]["people"]) for edge in data["sections"]["edges"]] == [1] * 5
    assert sql_counter.count == 2, sql_counter.statements


@pytest.mark.usefixtures("app")
async def test_relations_of_a_large_batch_are_read_in_bounded_statements(
    sql_counter: SQLCounter,
) -> None:
    await seed_posts(BATCH + 2)
    post_ids = [post.id for post in await Post.all().order_by("id")]
    sql_counter.reset()
    found = await fetch_post_relations({"authors": post_ids, "themes": post_ids[:3]})
    assert sorted(found["authors"]) == post_ids
    assert all(len(people) == 2 for people in found["authors"].values())
    assert sorted(found["themes"]) == post_ids[:3]
    # BATCH ids a statement: authors of the first BATCH posts with the themes, then the rest.
    assert sql_counter.count == 2, sql_counter.statements
    assert "hub_post_theme" in sql_counter.statements[0]
    assert "hub_post_theme" not in sql_counter.statements[1]
