"""The oEmbed 1.0 provider: posts and the sections map as rich embeds, and discovery tags."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import hub_delivery.plugin
import hub_sections_map.plugin
import pytest
from hub_delivery.oembed import discovery_links
from hub_delivery.settings import MAP_URL, MAX_AGE, POST_URL
from starlette.applications import Starlette

from hub.content.models import PostStatus
from hub.content.transfer import export_content, import_content
from hub.settings import Settings
from tests import factories

POST_PAGE = "https://example.org/news/{slug}"
MAP_PAGE = "https://example.org/where-we-are"


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_delivery.plugin, hub_sections_map.plugin]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        extra={POST_URL: POST_PAGE, MAP_URL: MAP_PAGE, MAX_AGE: 45},
    )


async def oembed(client: httpx.AsyncClient, **params: str) -> httpx.Response:
    return await client.get("/oembed", params=params)


async def test_post_url_embeds_as_an_escaped_rich_card(client: httpx.AsyncClient) -> None:
    await factories.post("tom-and-jerry", title="Tom & <Jerry>", excerpt="<script>x</script>")
    response = await oembed(client, url="https://example.org/news/tom-and-jerry?utm_source=x")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    answer = response.json()
    assert answer["version"] == "1.0"
    assert answer["type"] == "rich"
    assert answer["title"] == "Tom & <Jerry>"
    assert (answer["width"], answer["height"]) == (600, 200)
    assert answer["provider_url"] == "http://hub.test"
    assert answer["html"] == (
        '<blockquote class="hub-post-embed" cite="https://example.org/news/tom-and-jerry"'
        ' lang="en">'
        '<p><a href="https://example.org/news/tom-and-jerry">Tom &amp; &lt;Jerry&gt;</a></p>'
        "<p>&lt;script&gt;x&lt;/script&gt;</p></blockquote>"
    )
    assert response.headers["cache-control"] == "public, max-age=45"


async def test_sections_map_url_embeds_the_map_page_in_a_sandboxed_iframe(
    client: httpx.AsyncClient,
) -> None:
    response = await oembed(client, url=MAP_PAGE + "/", format="json")
    assert response.status_code == 200
    answer = response.json()
    assert answer["type"] == "rich"
    assert (answer["width"], answer["height"]) == (800, 500)
    assert answer["html"] == (
        '<iframe src="http://hub.test/map" width="800" height="500" title="Map of our sections"'
        ' loading="lazy" style="border:0" sandbox="allow-scripts"></iframe>'
    )
    assert response.headers["surrogate-key"] == "Section"


async def test_maxwidth_and_maxheight_bound_the_embed(client: httpx.AsyncClient) -> None:
    answer = (await oembed(client, url=MAP_PAGE, maxwidth="320", maxheight="240")).json()
    assert (answer["width"], answer["height"]) == (320, 240)
    assert 'width="320" height="240"' in answer["html"]
    wider = (await oembed(client, url=MAP_PAGE, maxwidth="2000")).json()
    assert (wider["width"], wider["height"]) == (800, 500)


async def test_xml_format_is_an_oembed_document(client: httpx.AsyncClient) -> None:
    await factories.post("hello", title="Hello & welcome")
    response = await oembed(
        client, url="https://example.org/news/hello", format="xml", maxwidth="300"
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == "oembed"
    fields = {child.tag: child.text for child in root}
    assert fields["type"] == "rich"
    assert fields["title"] == "Hello & welcome"
    assert fields["width"] == "300"
    assert fields["html"] is not None
    assert fields["html"].startswith("<blockquote")


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/news/no-such-post",
        "https://elsewhere.example/news/hello",
        "https://example.org/about",
        "https://example.org/news/a-draft",
    ],
)
async def test_unknown_urls_and_drafts_are_404(client: httpx.AsyncClient, url: str) -> None:
    await factories.post("hello")
    await factories.post("a-draft", status=PostStatus.DRAFT, published_at=None)
    response = await oembed(client, url=url)
    assert response.status_code == 404
    assert "no embeddable content is known at" in response.text


async def test_unsupported_format_is_501(client: httpx.AsyncClient) -> None:
    response = await oembed(client, url=MAP_PAGE, format="yaml")
    assert response.status_code == 501
    assert "format='yaml' is not supported; use json or xml" in response.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "url is required"),
        ({"url": ""}, "url is required"),
        ({"url": MAP_PAGE, "maxwidth": "wide"}, "maxwidth='wide' must be a positive whole number"),
        ({"url": MAP_PAGE, "maxheight": "0"}, "maxheight='0' must be a positive whole number"),
    ],
)
async def test_missing_url_or_bad_sizes_are_400(
    client: httpx.AsyncClient, params: dict[str, str], message: str
) -> None:
    response = await client.get("/oembed", params=params)
    assert response.status_code == 400
    assert response.text.startswith(message)


async def test_discovery_route_gives_the_link_tags_for_a_known_page(
    client: httpx.AsyncClient,
) -> None:
    await factories.post("hello", title='Say "hi" & <go>')
    response = await client.get(
        "/oembed/discovery", params={"url": "https://example.org/news/hello"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.text == (
        '<link rel="alternate" type="application/json+oembed" href="http://hub.test/oembed?'
        'url=https%3A%2F%2Fexample.org%2Fnews%2Fhello&amp;format=json"'
        ' title="Say &quot;hi&quot; &amp; &lt;go&gt;">\n'
        '<link rel="alternate" type="text/xml+oembed" href="http://hub.test/oembed?'
        'url=https%3A%2F%2Fexample.org%2Fnews%2Fhello&amp;format=xml"'
        ' title="Say &quot;hi&quot; &amp; &lt;go&gt;">\n'
    )
    unknown = await client.get("/oembed/discovery", params={"url": "https://example.org/x"})
    assert unknown.status_code == 404


async def test_discovery_links_lead_back_to_the_provider(client: httpx.AsyncClient) -> None:
    await factories.post("hello")
    tags = discovery_links("http://hub.test/", "https://example.org/news/hello")
    href = tags.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    response = await client.get(href)
    assert response.status_code == 200
    assert response.json()["type"] == "rich"


async def test_embed_answers_if_none_match_with_304(client: httpx.AsyncClient) -> None:
    post = await factories.post("hello")
    first = await oembed(client, url="https://example.org/news/hello")
    assert first.headers["surrogate-key"] == f"Post Post:{post.id}"
    again = await client.get(
        "/oembed",
        params={"url": "https://example.org/news/hello"},
        headers={"If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304


async def test_the_url_of_a_renamed_post_embeds_it_at_its_new_url(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    await factories.post("old-name", title="Renamed")
    document = await export_content(app.state.hub.content_types)
    document["posts"][0]["slug"] = "new-name"
    await import_content(app.state.hub.plugin_manager, document)
    response = await oembed(client, url="https://example.org/news/old-name")
    assert response.status_code == 200, response.text
    assert 'href="https://example.org/news/new-name"' in response.json()["html"]
    feed = await client.get("/feeds/posts.json")
    assert [item["url"] for item in feed.json()["items"]] == ["https://example.org/news/new-name"]
