"""People, sections, themes and Relay nodes."""

from __future__ import annotations

import base64

import pytest

from tests import factories
from tests.conftest import GraphQLClient


def node_id(type_name: str, key: int | str) -> str:
    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


async def test_people_filter_by_role_and_section(gql: GraphQLClient) -> None:
    cameroon = await factories.section("wilpf-cameroon", country_code="CM")
    await factories.person("sylvie", name="Sylvie", role="President", section=cameroon)
    await factories.person("melissa", name="Melissa", role="Vice-President")
    await factories.person("jamila", name="Jamila", role="Vice-President")
    query = "query($f: PersonFilter) { people(filter: $f) { totalCount edges { node { slug } } } }"

    async def people(person_filter: dict[str, str]) -> list[str]:
        data = await gql.data(query, {"f": person_filter})
        return [edge["node"]["slug"] for edge in data["people"]["edges"]]

    assert await people({"role": "vice-president"}) == ["jamila", "melissa"]
    assert await people({"section": "wilpf-cameroon"}) == ["sylvie"]
    assert await people({"role": "President", "section": "wilpf-cameroon"}) == ["sylvie"]


async def test_person_with_section_and_posts(gql: GraphQLClient) -> None:
    cameroon = await factories.section("wilpf-cameroon", name="WILPF Cameroon", country_code="CM")
    sylvie = await factories.person(
        "sylvie", name="Sylvie", role="President", bio="A peace leader.",
        photo_url="https://example.org/sylvie.jpg", section=cameroon,
    )  # fmt: skip
    await factories.post("by-sylvie", authors=[sylvie])
    data = await gql.data(
        '{ person(slug: "sylvie") { name role bio photoUrl section { name countryCode }'
        " posts { totalCount edges { node { slug } } } } }"
    )
    assert data["person"] == {
        "name": "Sylvie",
        "role": "President",
        "bio": "A peace leader.",
        "photoUrl": "https://example.org/sylvie.jpg",
        "section": {"name": "WILPF Cameroon", "countryCode": "CM"},
        "posts": {"totalCount": 1, "edges": [{"node": {"slug": "by-sylvie"}}]},
    }


async def test_section_with_people_in_board_order_and_posts(gql: GraphQLClient) -> None:
    spain = await factories.section(
        "wilpf-spain", name="WILPF Spain", country_code="ES", founded_year=2011,
        website="https://wilpf.es", description="Spanish section.",
    )  # fmt: skip
    await factories.person(name="Second", section=spain, board_order=2)
    await factories.person(name="First", section=spain, board_order=1)
    await factories.post("in-spain", sections=[spain])
    await factories.post("elsewhere")
    data = await gql.data(
        '{ section(slug: "wilpf-spain") { name countryCode foundedYear website description'
        " people { name } posts { edges { node { slug } } } } }"
    )
    assert data["section"] == {
        "name": "WILPF Spain",
        "countryCode": "ES",
        "foundedYear": 2011,
        "website": "https://wilpf.es",
        "description": "Spanish section.",
        "people": [{"name": "First"}, {"name": "Second"}],
        "posts": {"edges": [{"node": {"slug": "in-spain"}}]},
    }


async def test_sections_filter_by_country_code(gql: GraphQLClient) -> None:
    await factories.section("wilpf-germany", name="WILPF Germany", country_code="DE")
    await factories.section("wilpf-spain", name="WILPF Spain", country_code="ES")
    data = await gql.data('{ sections(filter: {countryCode: "de"}) { edges { node { slug } } } }')
    assert data["sections"]["edges"] == [{"node": {"slug": "wilpf-germany"}}]


async def test_themes_by_name_and_theme_posts(gql: GraphQLClient) -> None:
    peace = await factories.theme("feminist-peace", name="Feminist peace")
    await factories.theme("demilitarisation", name="Demilitarisation")
    await factories.post("peaceful", themes=[peace])
    data = await gql.data(
        '{ themes { slug } theme(slug: "feminist-peace") { name posts { totalCount } } }'
    )
    assert data["themes"] == [{"slug": "demilitarisation"}, {"slug": "feminist-peace"}]
    assert data["theme"] == {"name": "Feminist peace", "posts": {"totalCount": 1}}


async def test_every_content_type_is_a_node(gql: GraphQLClient) -> None:
    section = await factories.section()
    person = await factories.person()
    theme = await factories.theme()
    post = await factories.post()
    objects = {"Section": section, "Person": person, "Theme": theme, "Post": post}
    ids = [node_id(name, str(obj.public_id)) for name, obj in objects.items()]
    data = await gql.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }", {"ids": ids}
    )
    assert [node["__typename"] for node in data["nodes"]] == list(objects)
    assert [node["id"] for node in data["nodes"]] == ids
    single = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Post { slug } } }", {"id": ids[3]}
    )
    assert single["node"] == {"slug": post.slug}


async def test_ids_from_before_public_ids_name_the_same_objects(gql: GraphQLClient) -> None:
    section = await factories.section()
    post = await factories.post()
    old_ids = [node_id("Section", section.id), node_id("Post", post.id)]
    data = await gql.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }", {"ids": old_ids}
    )
    assert data["nodes"] == [
        {"__typename": "Section", "id": node_id("Section", str(section.public_id))},
        {"__typename": "Post", "id": node_id("Post", str(post.public_id))},
    ]


async def test_ids_round_trip_through_lists(gql: GraphQLClient) -> None:
    await factories.post("findable")
    listed = await gql.data("{ posts { edges { node { id } } } }")
    found = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Post { slug } } }",
        {"id": listed["posts"]["edges"][0]["node"]["id"]},
    )
    assert found["node"] == {"slug": "findable"}


async def test_a_missing_node_is_null(gql: GraphQLClient) -> None:
    data = await gql.data(
        "query($id: ID!) { node(id: $id) { id } }", {"id": node_id("Post", 999_999)}
    )
    assert data["node"] is None


@pytest.mark.parametrize(
    ("bad_id", "message"),
    [
        ("not base64 at all!", "GlobalID"),
        (base64.b64encode(b"no-colon").decode(), "GlobalID"),
        (node_id("Unicorn", 1), "Unicorn"),
    ],
)
async def test_malformed_ids_get_a_clear_error(
    gql: GraphQLClient, bad_id: str, message: str
) -> None:
    error = await gql.error("query($id: ID!) { node(id: $id) { id } }", {"id": bad_id})
    assert message in error
    assert "Internal server error" not in error
