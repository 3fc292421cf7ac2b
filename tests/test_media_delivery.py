"""Featured images in the delivery plugin's feeds and oEmbed answers, through its post_images
hook (the delivery plugin never names the media plugin)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import feedparser
import httpx
import hub_delivery.plugin
import hub_media.plugin
import pytest
from hub_delivery.settings import POST_URL
from hub_media.placements import POST
from PIL import Image
from starlette.applications import Starlette
from starlette.requests import Request

from hub import Settings, hookimpl
from hub.content.models import PostStatus
from tests import factories
from tests.conftest import SQLCounter
from tests.media_support import add_image, image_bytes, s3_extra, s3_server

MEDIA_NS = "{http://search.yahoo.com/mrss/}"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture(params=["files", "s3"])
def settings(
    database_url: str, tmp_path: Path, request: pytest.FixtureRequest, s3_endpoint: str
) -> Settings:
    extra: dict[str, Any] = s3_extra(s3_endpoint) if request.param == "s3" else {}
    extra[POST_URL] = "https://example.org/news/{slug}"
    return Settings(data_dir=tmp_path, database_url=database_url, extra=extra)


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_delivery.plugin, hub_media.plugin]


async def featured_post(app: Starlette, slug: str, width: int = 1600) -> int:
    post = await factories.post(slug, title=slug.title())
    pk = await add_image(app, image_bytes(width, width // 2), alt=f"{slug} photo")
    await POST.model.create(post_id=post.id, asset_id=pk)
    return pk


async def fetched_size(client: httpx.AsyncClient, url: str) -> tuple[int, int]:
    assert url.startswith("http://hub.test/media/")
    response = await client.get(url)
    assert response.status_code == 200
    size: tuple[int, int] = Image.open(io.BytesIO(response.content)).size
    return size


async def test_feeds_carry_the_featured_image_in_each_format(
    app: Starlette, client: httpx.AsyncClient, sql_counter: SQLCounter
) -> None:
    await featured_post(app, "march")
    await factories.post("plain", title="Plain")
    sql_counter.reset()
    rss = await client.get("/feeds/posts.rss")
    # The posts, their authors, the languages of the content (the feed's alternates), and all
    # their images in one more statement.
    assert sql_counter.count == 4, sql_counter.statements
    items = {item.findtext("title"): item for item in ET.fromstring(rss.content).iter("item")}
    enclosure = items["March"].find("enclosure")
    assert enclosure is not None
    assert (enclosure.get("type"), enclosure.get("length")) == ("image/jpeg", "0")
    content = items["March"].find(f"{MEDIA_NS}content")
    assert content is not None
    assert content.attrib["url"] == enclosure.get("url")
    assert (content.get("medium"), content.get("width"), content.get("height")) == (
        "image", "1200", "600",
    )  # fmt: skip
    assert content.findtext(f"{MEDIA_NS}description") == "march photo"
    assert items["Plain"].find("enclosure") is None
    assert await fetched_size(client, enclosure.attrib["url"]) == (1200, 600)

    atom = feedparser.parse((await client.get("/feeds/posts.atom")).content)
    entry = next(e for e in atom.entries if e.title == "March")
    assert [(link["href"], link["type"]) for link in entry.links if link["rel"] == "enclosure"] == [
        (enclosure.attrib["url"], "image/jpeg")
    ]
    json_feed = (await client.get("/feeds/posts.json")).json()
    images = {item["title"]: item.get("image") for item in json_feed["items"]}
    assert images == {"March": enclosure.attrib["url"], "Plain": None}


async def test_oembed_answers_show_the_featured_image(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    await featured_post(app, "march", width=800)
    url = "https://example.org/news/march"
    answer = (await client.get("/oembed", params={"url": url})).json()
    assert (answer["thumbnail_width"], answer["thumbnail_height"]) == (800, 400)
    assert await fetched_size(client, answer["thumbnail_url"]) == (800, 400)
    assert f'<img src="{answer["thumbnail_url"]}" alt="march photo"' in answer["html"]
    # A thumbnail larger than maxwidth is left out (oEmbed); the card's image is scaled down.
    narrow = (await client.get("/oembed", params={"url": url, "maxwidth": "300"})).json()
    assert "thumbnail_url" not in narrow
    assert 'width="300" height="150"' in narrow["html"]


class OtherImages:
    """Another plugin answering post_images: a good image for one post, a bad one for another."""

    def __init__(self, post_ids: list[int]) -> None:
        self.post_ids = post_ids

    @hookimpl
    def post_images(
        self, post_ids: Sequence[int], request: Request
    ) -> Mapping[int, Mapping[str, Any]]:
        good, bad = self.post_ids
        return {
            good: {"url": "https://cdn.example.org/a.png", "type": "image/png", "width": 10,
                   "height": 10, "alt": "A"},
            bad: {"url": "javascript:alert(1)", "type": "image/png", "width": 1, "height": 1},
        }  # fmt: skip


async def test_a_bad_image_from_a_plugin_leaves_the_post_without_one(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    good = await factories.post("good", title="Good")
    bad = await factories.post("bad", title="Bad")
    app.state.hub.plugin_manager.register(OtherImages([good.id, bad.id]))
    json_feed = (await client.get("/feeds/posts.json")).json()
    images = {item["title"]: item.get("image") for item in json_feed["items"]}
    assert images == {"Good": "https://cdn.example.org/a.png", "Bad": None}


async def test_the_widget_reads_the_images_of_its_posts(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    await featured_post(app, "march", width=800)
    await factories.post("plain")
    draft = await factories.post("secret", status=PostStatus.DRAFT, published_at=None)
    pk = await add_image(app, image_bytes(), alt="Secret")
    await POST.model.create(post_id=draft.id, asset_id=pk)
    answer = await client.get("/embed/post-images", params={"posts": "march,plain,secret"})
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == "*"
    images = answer.json()
    assert list(images) == ["march"]  # a draft's image is nobody's business
    assert images["march"]["alt"] == "march photo"
    assert (images["march"]["width"], images["march"]["height"]) == (800, 400)
    for bad in ("", "Not A Slug", ",".join(f"p{n}" for n in range(21))):
        refused = await client.get("/embed/post-images", params={"posts": bad})
        assert refused.status_code == 400
        assert "1 to 20 post slugs" in refused.text
