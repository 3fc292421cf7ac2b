from tests import factories
from tests.conftest import GraphQLClient


async def test_front_page_lists_published_posts_with_relations(gql: GraphQLClient) -> None:
    germany = await factories.section("wilpf-germany", name="WILPF Germany", country_code="DE")
    emma = await factories.person("emma-burgisser", name="Emma Bürgisser")
    peace = await factories.theme("feminist-peace", name="Feminist peace")
    await factories.post("hello", title="Hello", authors=[emma], themes=[peace], sections=[germany])
    data = await gql.data(
        "{ posts { totalCount edges { node { slug authors { name } themes { name }"
        " sections { countryCode } } } } }"
    )
    assert data["posts"]["totalCount"] == 1
    assert data["posts"]["edges"][0]["node"] == {
        "slug": "hello",
        "authors": [{"name": "Emma Bürgisser"}],
        "themes": [{"name": "Feminist peace"}],
        "sections": [{"countryCode": "DE"}],
    }
