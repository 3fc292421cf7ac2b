"""``Post.seo.image``: the image link previews show, the post's social image or else its
featured image; set with ``setSocialImage``, checked for alt text before publishing, carried by
``hub media export/import``, and read in a constant number of statements for a page."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import httpx
import hub_media.plugin
import pytest
from hub_media.models import Asset, PostImage, PostSocialImage
from hub_media.transfer import export_media, import_media
from starlette.applications import Starlette

from hub import Settings
from hub.content.models import PostStatus
from tests import factories
from tests.conftest import GraphQLClient, SQLCounter
from tests.media_support import add_image, image_bytes, media_token
from tests.test_media_placements import gid

SEO_PAGE = """
query Page($first: Int!) {
  posts(first: $first) {
    edges { node { slug seo { description image { url(width: 1200) alt } } } }
  }
}
"""
SEO_IMAGE = "query($slug: String!) { post(slug: $slug) { seo { image { alt } } } }"
SET_SOCIAL = """
mutation($post: ID!, $image: ID) {
  setSocialImage(post: $post, image: $image) { slug featuredImage { alt } seo { image { alt } } }
}"""
PUBLISH = """
mutation($id: ID!, $version: Int!) {
  publishPost(input: {id: $id, version: $version}) { post { status } errors { field code } }
}"""


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_media.plugin]


@pytest.fixture(params=[True, False], ids=["compiled", "graphql-core"])
def settings(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    base = Settings(data_dir=tmp_path, database_url=database_url)
    return replace(base, compiled_execution=request.param)


@pytest.fixture
async def editor(app: Starlette, client: httpx.AsyncClient) -> GraphQLClient:
    token = await media_token(app.state.hub.plugin_manager)
    return GraphQLClient(client, {"authorization": f"Bearer {token}"})


async def test_the_social_image_is_the_featured_image_unless_one_is_set(
    app: Starlette, editor: GraphQLClient, gql: GraphQLClient
) -> None:
    featured = await add_image(app, image_bytes(1600, 900), alt="Featured")
    card = await add_image(app, image_bytes(1200, 630), alt="Card")
    post = await factories.post("summit")
    await factories.post("bare")
    await PostImage.create(post_id=post.id, asset_id=featured)
    assert await gql.data(SEO_IMAGE, {"slug": "summit"}) == {
        "post": {"seo": {"image": {"alt": "Featured"}}}
    }
    assert await gql.data(SEO_IMAGE, {"slug": "bare"}) == {"post": {"seo": {"image": None}}}

    variables = {"post": gid("Post", post.id), "image": gid("Image", card)}
    placed = await editor.data(SET_SOCIAL, variables)
    assert placed["setSocialImage"] == {
        "slug": "summit",
        "featuredImage": {"alt": "Featured"},  # the featured image stays as it was
        "seo": {"image": {"alt": "Card"}},
    }
    cleared = await editor.data(SET_SOCIAL, {**variables, "image": None})
    assert cleared["setSocialImage"]["seo"] == {"image": {"alt": "Featured"}}

    refused = await editor.query(SET_SOCIAL, {**variables, "image": gid("Image", 9999)})
    assert refused["errors"][0]["message"] == f"There is no image with the id {gid('Image', 9999)}."
    assert not await PostSocialImage.exists()


async def test_a_page_of_posts_reads_its_social_images_in_constant_statements(
    app: Starlette, gql: GraphQLClient, sql_counter: SQLCounter
) -> None:
    images = [await add_image(app, image_bytes(1600, 900), alt=f"Picture {n}") for n in range(2)]
    posts = [await factories.post(excerpt=f"About {n}.") for n in range(20)]
    for n, post in enumerate(posts):
        # Every other post has a social image of its own, the others their featured image.
        model = PostSocialImage if n % 2 else PostImage
        await model.create(post_id=post.id, asset_id=images[n % 2])

    counts = []
    for first in (2, 20):
        sql_counter.reset()
        data = await gql.data(SEO_PAGE, {"first": first})
        nodes = [edge["node"] for edge in data["posts"]["edges"]]
        assert len(nodes) == first
        assert all("/1200x675-cover.jpg" in node["seo"]["image"]["url"] for node in nodes)
        assert nodes[0]["seo"]["description"].startswith("About ")
        counts.append(sql_counter.count)
    # The page, the social images of its posts, the featured images of those without one.
    assert counts == [3, 3], sql_counter.statements


async def test_a_social_image_without_alt_text_stops_publication(
    app: Starlette, editor: GraphQLClient
) -> None:
    bare = await add_image(app, image_bytes(1200, 630))
    post = await factories.post(status=PostStatus.DRAFT, published_at=None)
    await PostSocialImage.create(post_id=post.id, asset_id=bare)

    refused = (await editor.data(PUBLISH, {"id": gid("Post", post.id), "version": post.version}))[
        "publishPost"
    ]
    assert refused == {"post": None, "errors": [{"field": "socialImage", "code": "REQUIRED"}]}
    await Asset.filter(id=bare).update(alt="Delegates in the hall")
    published = (await editor.data(PUBLISH, {"id": gid("Post", post.id), "version": post.version}))[
        "publishPost"
    ]
    assert published == {"post": {"status": "PUBLISHED"}, "errors": []}


async def test_media_export_and_import_carry_social_images(
    app: Starlette, gql: GraphQLClient, tmp_path: Path
) -> None:
    card = await add_image(app, image_bytes(1200, 630), alt="Card")
    post = await factories.post("summit")
    await PostSocialImage.create(post_id=post.id, asset_id=card)
    hub = app.state.hub
    folder = tmp_path / "export"
    assert await export_media(hub.plugin_manager, hub.settings, folder) == 1
    [record] = json.loads((folder / "media.json").read_text())["assets"]
    assert record["shown_on"] == {"post_social_images": ["summit"]}

    await PostSocialImage.all().delete()
    await Asset.all().delete()
    report = await import_media(hub.plugin_manager, hub.settings, folder)
    assert (report.created, [event.slug for event in report.events]) == (1, ["summit"])
    assert list(report.events[0].changes) == ["socialImage"]
    assert await gql.data(SEO_IMAGE, {"slug": "summit"}) == {
        "post": {"seo": {"image": {"alt": "Card"}}}
    }
