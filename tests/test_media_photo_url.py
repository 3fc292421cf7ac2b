"""The deprecated ``Person.photoUrl`` answers the person's library photo where the media plugin is
installed, so frontends written before ``photo`` keep showing photos once ``hub media
import-photos`` moved them into the library; a page of people reads them in one statement."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import hub_media.plugin
import pytest
from hub_media.models import PersonPhoto
from starlette.applications import Starlette

from hub import Settings
from tests import factories
from tests.conftest import GraphQLClient, SQLCounter
from tests.media_support import add_image, image_bytes

PEOPLE = """
query People($first: Int!) {
  people(first: $first) { edges { node { slug photoUrl photo { url } } } }
}
"""
ONLY_PHOTO_URLS = """
query People($first: Int!) { people(first: $first) { edges { node { slug photoUrl } } } }
"""
ONLY_SLUGS = "query People($first: Int!) { people(first: $first) { edges { node { slug } } } }"
HUB_ORIGIN = "http://hub.test"  # the test client's base URL


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_media.plugin]


@pytest.fixture(params=[True, False], ids=["compiled", "graphql-core"])
def settings(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    base = Settings(data_dir=tmp_path, database_url=database_url)
    return replace(base, compiled_execution=request.param)


async def people_by_slug(
    gql: GraphQLClient, query: str = PEOPLE, first: int = 20
) -> dict[str, dict[str, Any]]:
    data = await gql.data(query, {"first": first})
    return {edge["node"]["slug"]: edge["node"] for edge in data["people"]["edges"]}


async def test_photo_url_answers_the_library_photo_else_the_url_stored(
    app: Starlette, gql: GraphQLClient
) -> None:
    portrait = await add_image(app, image_bytes(400, 600), alt="Portrait")
    ada = await factories.person("ada", photo_url="https://example.org/old-ada.jpg")
    await PersonPhoto.create(person_id=ada.id, asset_id=portrait)
    await factories.person("bob", photo_url="https://example.org/bob.jpg")
    await factories.person("cleo", photo_url="")

    people = await people_by_slug(gql)

    photo = people["ada"]["photo"]["url"]
    assert photo.startswith(f"/media/{portrait}/")
    assert photo.endswith("/400x600-cover.jpg")  # the original's size and kind
    # The rendition `photo { url }` names, absolute as the free-text URLs it replaces were.
    assert people["ada"]["photoUrl"] == f"{HUB_ORIGIN}{photo}"
    assert people["bob"]["photoUrl"] == "https://example.org/bob.jpg"
    assert people["bob"]["photo"] is None
    assert people["cleo"]["photoUrl"] is None


async def test_a_page_of_people_reads_their_photo_urls_in_one_statement(
    app: Starlette, gql: GraphQLClient, sql_counter: SQLCounter
) -> None:
    images = [await add_image(app, image_bytes(300, 400), alt=f"Face {n}") for n in range(3)]
    for n in range(20):
        person = await factories.person(f"person-{n:02}", photo_url=f"https://example.org/{n}.jpg")
        if n % 4:  # every fourth keeps only the URL stored
            await PersonPhoto.create(person_id=person.id, asset_id=images[n % 3])

    counts: dict[tuple[str, int], int] = {}
    for name, query in (("slugs", ONLY_SLUGS), ("photo urls", ONLY_PHOTO_URLS), ("both", PEOPLE)):
        for first in (2, 20):
            sql_counter.reset()
            people = await people_by_slug(gql, query, first)
            counts[name, first] = sql_counter.count
            assert len(people) == first
    # The page is one statement; the photos of all its people one more, whatever the page
    # size, and `photo` asked beside `photoUrl` shares it.
    assert counts == {
        ("slugs", 2): 1, ("slugs", 20): 1,
        ("photo urls", 2): 2, ("photo urls", 20): 2,
        ("both", 2): 2, ("both", 20): 2,
    }, sql_counter.statements  # fmt: skip
    people = await people_by_slug(gql, ONLY_PHOTO_URLS)
    assert people["person-04"]["photoUrl"] == "https://example.org/4.jpg"
    assert people["person-05"]["photoUrl"].startswith(f"{HUB_ORIGIN}/media/{images[2]}/")


class TestBehindACdn:
    @pytest.fixture
    def settings(self, database_url: str, tmp_path: Path) -> Settings:
        extra = {"HUB_MEDIA_BASE_URL": "https://cdn.example.org"}
        return Settings(data_dir=tmp_path, database_url=database_url, extra=extra)

    async def test_photo_url_is_the_cdn_url_photo_gives(
        self, app: Starlette, gql: GraphQLClient
    ) -> None:
        portrait = await add_image(app, image_bytes(400, 600), alt="Portrait")
        ada = await factories.person("ada", photo_url="https://example.org/old-ada.jpg")
        await PersonPhoto.create(person_id=ada.id, asset_id=portrait)

        people = await people_by_slug(gql)

        assert people["ada"]["photo"]["url"].startswith("https://cdn.example.org/media/")
        assert people["ada"]["photoUrl"] == people["ada"]["photo"]["url"]


class TestWithoutTheMediaPlugin:
    @pytest.fixture
    def extra_plugins(self) -> list[object]:
        return []

    async def test_photo_url_answers_the_url_stored(self, gql: GraphQLClient) -> None:
        await factories.person("bob", photo_url="https://example.org/bob.jpg")
        data = await gql.data('{ person(slug: "bob") { photoUrl } }')
        assert data == {"person": {"photoUrl": "https://example.org/bob.jpg"}}
