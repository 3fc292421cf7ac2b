"""No post becomes public with an image lacking alt text: its featured image or one in its body."""

from __future__ import annotations

import base64
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import hub_media.plugin
import pytest
from hub_media.models import PostImage, PostSocialImage
from starlette.applications import Starlette

from hub import Settings, hookimpl
from hub.content.exchange import InvalidContent
from hub.content.models import Post, PostStatus
from hub.content.transfer import import_content
from tests import factories
from tests.conftest import GraphQLClient
from tests.media_support import add_image, image_bytes, media_token, s3_extra, s3_server

PUBLISH = """
mutation Publish($id: ID!, $version: Int!) {
  publishPost(input: {id: $id, version: $version}) {
    post { status }
    errors { field message code }
  }
}
"""
SET_FEATURED = "mutation($p: ID!, $i: ID) { setFeaturedImage(post: $p, image: $i) { slug } }"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture(params=["files", "s3"])
def settings(
    database_url: str, tmp_path: Path, request: pytest.FixtureRequest, s3_endpoint: str
) -> Settings:
    extra = s3_extra(s3_endpoint) if request.param == "s3" else {}
    return Settings(data_dir=tmp_path, database_url=database_url, extra=extra)


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_media.plugin]


@pytest.fixture
async def editor(app: Starlette, client: httpx.AsyncClient) -> GraphQLClient:
    token = await media_token(app.state.hub.plugin_manager)
    return GraphQLClient(client, {"authorization": f"Bearer {token}"})


def gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


async def publish(editor: GraphQLClient, post: Post) -> dict[str, Any]:
    answer: dict[str, Any] = (
        await editor.data(PUBLISH, {"id": gid("Post", post.id), "version": post.version})
    )["publishPost"]
    return answer


async def test_a_featured_image_without_alt_text_stops_publication(
    app: Starlette, editor: GraphQLClient
) -> None:
    bare = await add_image(app, image_bytes(400, 300))
    post = await factories.post(status=PostStatus.DRAFT, published_at=None)
    await editor.data(SET_FEATURED, {"p": gid("Post", post.id), "i": gid("Image", bare)})

    refused = await publish(editor, post)

    assert refused["post"] is None
    [error] = refused["errors"]
    assert (error["field"], error["code"]) == ("featuredImage", "REQUIRED")
    assert f"image {bare}" in error["message"]
    assert "no alt text" in error["message"]
    assert (await Post.get(id=post.id)).status == PostStatus.DRAFT

    await editor.data(
        'mutation($i: ID!) { updateImage(id: $i, details: {alt: "Delegates"}) { alt } }',
        {"i": gid("Image", bare)},
    )
    published = await publish(editor, post)
    assert published == {"post": {"status": "PUBLISHED"}, "errors": []}


async def test_body_images_need_alt_text_in_the_body_or_the_library(
    app: Starlette, editor: GraphQLClient
) -> None:
    described = await add_image(app, image_bytes(), alt="A march")
    bare = await add_image(app, image_bytes())
    body = (
        f'<p>One</p><img src="/media/{described}">'  # the library's alt text will do
        f'<img src="/media/{bare}" alt="Said in the body">'
        f'<img src="/media/{bare}">'
        '<img src="https://example.org/x.png">'
        '<img src="/media/999999" alt="Gone">'
    )
    post = await factories.post(status=PostStatus.DRAFT, published_at=None, body=body)

    refused = await publish(editor, post)

    messages = [(e["field"], e["message"]) for e in refused["errors"]]
    assert [field for field, _ in messages] == ["body", "body", "body"]
    assert messages[0][1].startswith(f"Image 3 of the body (/media/{bare}) has no alt text")
    assert messages[1][1].startswith("Image 4 of the body (https://example.org/x.png) has no alt")
    assert messages[2][1].startswith("Image 5 of the body (/media/999999) is not in the media")
    assert (await Post.get(id=post.id)).status == PostStatus.DRAFT


async def test_an_import_reports_public_posts_with_images_lacking_alt_text(
    app: Starlette,
) -> None:
    bare = await add_image(app, image_bytes())
    record = {
        "slug": "march",
        "title": "The march",
        "body": f'<p>Look</p><img src="/media/{bare}">',
        "status": "published",
        "published_at": "2026-03-08T10:00:00Z",
    }
    draft = {**record, "slug": "draft", "status": "draft", "published_at": None}
    pm = app.state.hub.plugin_manager

    with pytest.raises(InvalidContent) as raised:
        await import_content(pm, {"posts": [draft, record]})

    [problem] = raised.value.problems
    assert (problem.location, problem.field) == ('posts[1] (slug "march")', "body")
    where = 'posts[1] (slug "march"): field "body"'
    assert str(problem).startswith(f"{where}: Image 1 of the body (/media/{bare}) has no alt text")
    assert not await Post.exists()  # all or nothing
    report = await import_content(pm, {"posts": [draft]})
    assert report.created["posts"] == 1


class NoEmptyBodies:
    """Any plugin may refuse publication through the core's publication_problems hook."""

    @hookimpl
    def publication_problems(
        self, posts: Sequence[Mapping[str, Any]]
    ) -> Sequence[tuple[int, str, str]]:
        return [(n, "body", "An empty body.") for n, post in enumerate(posts) if not post["body"]]


async def test_any_plugin_may_refuse_publication(app: Starlette, editor: GraphQLClient) -> None:
    app.state.hub.plugin_manager.register(NoEmptyBodies())
    post = await factories.post(status=PostStatus.DRAFT, published_at=None, body="")
    refused = await publish(editor, post)
    assert refused["errors"] == [{"field": "body", "message": "An empty body.", "code": "REQUIRED"}]


UPDATE = """
mutation Update($id: ID!, $version: Int!, $body: String, $title: String) {
  updatePost(input: {id: $id, version: $version, body: $body, title: $title}) {
    post { title body version }
    errors { field message code }
  }
}
"""
LATER = datetime(2099, 5, 1, 9, tzinfo=UTC)


async def public_post(status: PostStatus, **fields: Any) -> Post:
    if status is PostStatus.SCHEDULED:
        return await factories.post(status=status, published_at=LATER, **fields)
    return await factories.post(status=status, **fields)


async def update(editor: GraphQLClient, post: Post, **changes: str) -> dict[str, Any]:
    variables = {"id": gid("Post", post.id), "version": post.version, **changes}
    answer: dict[str, Any] = (await editor.data(UPDATE, variables))["updatePost"]
    return answer


@pytest.mark.parametrize("status", [PostStatus.PUBLISHED, PostStatus.SCHEDULED])
async def test_a_public_post_may_not_gain_a_body_image_without_alt_text(
    app: Starlette, editor: GraphQLClient, status: PostStatus
) -> None:
    bare = await add_image(app, image_bytes())
    post = await public_post(status, body="<p>Before</p>")

    refused = await update(editor, post, body=f'<p>After</p><img src="/media/{bare}">')

    assert refused["post"] is None
    [error] = refused["errors"]
    assert (error["field"], error["code"]) == ("body", "REQUIRED")
    assert error["message"].startswith(f"Image 1 of the body (/media/{bare}) has no alt text")
    unchanged = await Post.get(id=post.id)
    assert (unchanged.body, unchanged.version) == ("<p>Before</p>", post.version)

    described = await update(
        editor, post, body=f'<p>After</p><img src="/media/{bare}" alt="Delegates">'
    )
    assert described["errors"] == []
    assert 'alt="Delegates"' in described["post"]["body"]


async def test_a_draft_may_hold_images_without_alt_text_until_it_is_published(
    app: Starlette, editor: GraphQLClient
) -> None:
    bare = await add_image(app, image_bytes())
    draft = await factories.post(status=PostStatus.DRAFT, published_at=None)
    changed = await update(editor, draft, body=f'<img src="/media/{bare}">')
    assert changed["errors"] == []


async def test_a_problem_a_public_post_had_already_does_not_block_other_edits(
    app: Starlette, editor: GraphQLClient
) -> None:
    bare = await add_image(app, image_bytes())
    # Published before the rule existed (or imported by an older hub).
    post = await factories.post(body=f'<p>Old</p><img src="/media/{bare}">')
    retitled = await update(editor, post, title="A better title")
    assert retitled["errors"] == []
    assert retitled["post"]["title"] == "A better title"
    worse = await update(
        editor,
        await Post.get(id=post.id),
        body=f'<p>Old</p><img src="/media/{bare}"><img src="https://example.org/x.png">',
    )
    assert [(e["field"], e["code"]) for e in worse["errors"]] == [("body", "REQUIRED")]
    assert worse["errors"][0]["message"].startswith("Image 2 of the body (https://example.org")


@pytest.mark.parametrize("status", [PostStatus.PUBLISHED, PostStatus.SCHEDULED])
@pytest.mark.parametrize(
    ("mutation", "shown"),
    [("setFeaturedImage", PostImage), ("setSocialImage", PostSocialImage)],
    ids=["featured", "social"],
)
async def test_a_public_post_may_not_be_given_an_image_without_alt_text(
    app: Starlette,
    editor: GraphQLClient,
    status: PostStatus,
    mutation: str,
    shown: type[PostImage] | type[PostSocialImage],
) -> None:
    setting = f"mutation($p: ID!, $i: ID) {{ {mutation}(post: $p, image: $i) {{ slug }} }}"
    bare = await add_image(app, image_bytes())
    described = await add_image(app, image_bytes(), alt="Delegates")
    post = await public_post(status)
    variables = {"p": gid("Post", post.id), "i": gid("Image", described)}
    await editor.data(setting, variables)

    body = await editor.query(setting, {**variables, "i": gid("Image", bare)})

    [error] = body["errors"]
    assert error["message"] == (
        f"The post is {status.value}, and image {bare} (image) has no alt text: describe it "
        "with updateImage(details: {alt}) first, or choose another image."
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "image"}
    assert await shown.get(post_id=post.id).values_list("asset_id", flat=True) == described
    draft = await factories.post(status=PostStatus.DRAFT, published_at=None)
    assert await editor.data(setting, {"p": gid("Post", draft.id), "i": gid("Image", bare)})


async def test_the_alt_text_public_posts_rely_on_cannot_be_emptied(
    app: Starlette, editor: GraphQLClient
) -> None:
    pk = await add_image(app, image_bytes(), alt="Delegates")
    featured = await factories.post(title="Peace now", slug="peace-now")
    await PostImage.create(post_id=featured.id, asset_id=pk)
    await public_post(
        PostStatus.SCHEDULED, title="Soon", slug="soon", body=f'<img src="/media/{pk}">'
    )
    # Neither of these relies on the library's alt text: a draft, a body with its own.
    await factories.post(
        status=PostStatus.DRAFT, published_at=None, body=f'<img src="/media/{pk}">'
    )
    await factories.post(body=f'<img src="/media/{pk}" alt="Said here">')
    empty = 'mutation($i: ID!) { updateImage(id: $i, details: {alt: " "}) { alt } }'

    body = await editor.query(empty, {"i": gid("Image", pk)})

    [error] = body["errors"]
    assert error["message"] == (
        '`details.alt` cannot be emptied: the post "Peace now" (peace-now); the post "Soon" '
        "(soon), published or scheduled, rely on it. Give the image other alt text, or take it "
        "off those posts first."
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "details.alt"}
    read = "query($i: ID!) { node(id: $i) { ... on Image { alt } } }"
    assert (await editor.data(read, {"i": gid("Image", pk)}))["node"]["alt"] == "Delegates"

    await PostImage.filter(asset_id=pk).delete()
    await Post.filter(slug="soon").delete()
    emptied = await editor.data(empty, {"i": gid("Image", pk)})
    assert emptied["updateImage"]["alt"] == ""
