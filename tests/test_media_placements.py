"""Images on posts, people and sections: set with content:write, read in one statement per
page, and an image in use is never deleted."""

from __future__ import annotations

import base64
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import hub_media.plugin
import pytest
from hub_media.models import Asset
from starlette.applications import Starlette

from hub import ContentEvent, EventKind, Settings, hookimpl
from tests import factories
from tests.conftest import GraphQLClient, SQLCounter
from tests.media_support import add_image, image_bytes, media_token

FRONT_PAGE = """
query FrontPage($first: Int!) {
  posts(first: $first) {
    edges { node {
      title slug
      featuredImage { url(width: 800) srcset(widths: [400, 800, 1200]) alt }
    } }
  }
}
"""
SET_FEATURED = """
mutation Set($post: ID!, $image: ID) {
  setFeaturedImage(post: $post, image: $image) { slug featuredImage { alt } }
}
"""
DELETE = "mutation Delete($id: ID!) { deleteImage(id: $id) }"


def gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


class EventRecorder:
    def __init__(self) -> None:
        self.events: list[ContentEvent] = []

    @hookimpl
    def content_event(self, event: ContentEvent) -> None:
        self.events.append(event)


@pytest.fixture
def recorder() -> EventRecorder:
    return EventRecorder()


@pytest.fixture
def extra_plugins(recorder: EventRecorder) -> list[object]:
    return [hub_media.plugin, recorder]


@pytest.fixture(params=[True, False], ids=["compiled", "graphql-core"])
def settings(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Settings:
    base = Settings(data_dir=tmp_path, database_url=database_url)
    return replace(base, compiled_execution=request.param)


@pytest.fixture
async def editor_gql(app: Starlette, client: httpx.AsyncClient) -> GraphQLClient:
    token = await media_token(app.state.hub.plugin_manager)
    return GraphQLClient(client, {"authorization": f"Bearer {token}"})


async def test_the_front_page_with_featured_images_adds_one_statement(
    app: Starlette, gql: GraphQLClient, sql_counter: SQLCounter
) -> None:
    images = [await add_image(app, image_bytes(1600, 900), alt=f"Picture {n}") for n in range(3)]
    posts = [await factories.post() for _ in range(30)]
    for n, post in enumerate(posts[:-1]):  # the last post has no image
        await hub_media.models.PostImage.create(post_id=post.id, asset_id=images[n % 3])
    sql_counter.reset()
    data = await gql.data(FRONT_PAGE, {"first": 30})
    nodes = [edge["node"] for edge in data["posts"]["edges"]]
    with_images = [node for node in nodes if node["featuredImage"]]
    assert len(with_images) == 29
    assert [node["slug"] for node in nodes if not node["featuredImage"]] == [posts[-1].slug]
    first = with_images[0]["featuredImage"]
    assert first["alt"].startswith("Picture ")
    assert "/800x450-cover.jpg" in first["url"]
    assert first["srcset"].count("w, ") == 2
    # The posts page itself is one statement; the images of all 30 posts one more.
    assert sql_counter.count == 2, sql_counter.statements


async def test_the_front_page_costs_as_many_statements_for_20_posts_as_for_2(
    app: Starlette, gql: GraphQLClient, sql_counter: SQLCounter
) -> None:
    images = [await add_image(app, image_bytes(1600, 900), alt=f"Picture {n}") for n in range(3)]
    for n in range(20):
        post = await factories.post()
        await hub_media.models.PostImage.create(post_id=post.id, asset_id=images[n % 3])
    counts = {}
    for first in (2, 20):
        sql_counter.reset()
        data = await gql.data(FRONT_PAGE, {"first": first})
        counts[first] = sql_counter.count
        images_shown = [edge["node"]["featuredImage"] for edge in data["posts"]["edges"]]
        assert len(images_shown) == first
        assert all(image["url"] and image["srcset"] and image["alt"] for image in images_shown)
    assert counts[2] == counts[20], counts


async def test_an_editor_sets_and_clears_a_featured_image(
    app: Starlette, editor_gql: GraphQLClient
) -> None:
    pk = await add_image(app, image_bytes(), alt="Banner")
    post = await factories.post()
    variables = {"post": gid("Post", post.id), "image": gid("Image", pk)}
    data = await editor_gql.data(SET_FEATURED, variables)
    assert data["setFeaturedImage"] == {"slug": post.slug, "featuredImage": {"alt": "Banner"}}
    cleared = await editor_gql.data(SET_FEATURED, {**variables, "image": None})
    assert cleared["setFeaturedImage"]["featuredImage"] is None


async def test_people_and_sections_get_images_too(
    app: Starlette, editor_gql: GraphQLClient, gql: GraphQLClient
) -> None:
    photo = await add_image(app, image_bytes(400, 600), alt="Portrait")
    banner = await add_image(app, image_bytes(1200, 400), alt="Banner")
    section = await factories.section()
    person = await factories.person(section=section)
    await editor_gql.data(
        "mutation($p: ID!, $s: ID!, $a: ID!, $b: ID!) {"
        " setPersonPhoto(person: $p, image: $a) { slug }"
        " setSectionImage(section: $s, image: $b) { slug } }",
        {
            "p": gid("Person", person.id),
            "s": gid("Section", section.id),
            "a": gid("Image", photo),
            "b": gid("Image", banner),
        },
    )
    data = await gql.data(
        "{ sections { edges { node { slug image { alt width } "
        "people { slug photo { alt height } } } } } }"
    )
    [found] = [edge["node"] for edge in data["sections"]["edges"]]
    assert found["image"] == {"alt": "Banner", "width": 1200}
    assert found["people"] == [{"slug": person.slug, "photo": {"alt": "Portrait", "height": 600}}]


async def test_setting_images_needs_content_write(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    token = await media_token(app.state.hub.plugin_manager, scopes=["media:write"])
    writer = GraphQLClient(client, {"authorization": f"Bearer {token}"})
    pk = await add_image(app, image_bytes(), alt="A photo")
    post = await factories.post()
    message = await writer.error(
        SET_FEATURED, {"post": gid("Post", post.id), "image": gid("Image", pk)}
    )
    assert (
        message
        == "`setFeaturedImage` needs the scope `content:write`, which this token does not have."
    )


@pytest.mark.parametrize(
    ("variables", "argument", "message"),
    [
        ({"post": gid("Post", 999), "image": None}, "post", "There is no post with the id"),
        ({"post": gid("Theme", 1), "image": None}, "post", "`post` must be the id of a Post."),
        ({"post": None, "image": gid("Image", 999)}, "image", "There is no image with the id"),
        ({"post": None, "image": gid("Post", 1)}, "image", "`image` must be the id of an Image."),
    ],
)
async def test_bad_ids_are_refused_naming_the_argument(
    app: Starlette,
    editor_gql: GraphQLClient,
    variables: dict[str, Any],
    argument: str,
    message: str,
) -> None:
    post = await factories.post()
    wanted = {**variables, "post": variables["post"] or gid("Post", post.id)}
    body = await editor_gql.query(SET_FEATURED, wanted)
    error = body["errors"][0]
    assert message in error["message"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}


async def test_an_image_in_use_is_not_deleted_and_the_post_is_named(
    app: Starlette, editor_gql: GraphQLClient, tmp_path: Path, client: httpx.AsyncClient
) -> None:
    pk = await add_image(app, image_bytes(), alt="A photo")
    post = await factories.post(title="Peace now", slug="peace-now")
    await editor_gql.data(SET_FEATURED, {"post": gid("Post", post.id), "image": gid("Image", pk)})
    body = await editor_gql.query(DELETE, {"id": gid("Image", pk)})
    error = body["errors"][0]
    assert error["message"] == (
        'The image is still shown: the post "Peace now" (peace-now). Set another image there '
        "first, or none."
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "id"}
    assert await Asset.exists(id=pk)
    url = (
        await editor_gql.data(
            f'{{ node(id: "{gid("Image", pk)}") {{ ... on Image {{ url(width: 100) }} }} }}'
        )
    )["node"]["url"]
    assert (await client.get(url)).status_code == 200
    assert len(list((tmp_path / "media" / "renditions").rglob("*.jpg"))) == 1

    await editor_gql.data(SET_FEATURED, {"post": gid("Post", post.id), "image": None})
    deleted = await editor_gql.data(DELETE, {"id": gid("Image", pk)})
    assert deleted == {"deleteImage": gid("Image", pk)}
    assert not await Asset.exists(id=pk)
    assert list((tmp_path / "media" / "originals").iterdir()) == []
    assert list((tmp_path / "media" / "renditions").rglob("*.jpg")) == []
    assert (await client.get(url)).status_code == 404


async def test_deleting_a_post_forgets_its_featured_image_link(
    app: Starlette, editor_gql: GraphQLClient
) -> None:
    pk = await add_image(app, image_bytes(), alt="A photo")
    post = await factories.post()
    await editor_gql.data(SET_FEATURED, {"post": gid("Post", post.id), "image": gid("Image", pk)})
    await post.delete()
    assert await editor_gql.data(DELETE, {"id": gid("Image", pk)})


async def test_changes_are_announced_for_what_shows_the_image(
    app: Starlette, editor_gql: GraphQLClient, recorder: EventRecorder
) -> None:
    pk = await add_image(app, image_bytes(), alt="Old")
    post = await factories.post(slug="peace-now")
    await editor_gql.data(SET_FEATURED, {"post": gid("Post", post.id), "image": gid("Image", pk)})
    assert [(e.kind, e.pk, e.slug) for e in recorder.events] == [
        (EventKind.POST_UPDATED, post.id, "peace-now")
    ]
    recorder.events.clear()
    await editor_gql.data(
        'mutation($id: ID!) { updateImage(id: $id, details: {alt: "New"}) { alt } }',
        {"id": gid("Image", pk)},
    )
    [event] = recorder.events
    assert (event.kind, event.type_name, event.pk) == (EventKind.POST_UPDATED, "Post", post.id)
    assert event.changes == {"featuredImage": {"alt": "New"}}
