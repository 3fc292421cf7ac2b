"""Feeds of public posts (RSS 2.0, Atom, JSON Feed 1.1), filtered like GraphQL's PostFilter."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import httpx
import hub_delivery.plugin
import pytest
from hub_delivery.settings import FEED_TITLE, MAX_AGE, POST_URL

from hub.app import create_app
from hub.content.models import PostStatus
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from tests import factories
from tests.conftest import SQLCounter

POST_URL_PATTERN = "https://example.org/news/{slug}"
XML_FORMATS = {"rss": ("rss20", "application/rss+xml"), "atom": ("atom10", "application/atom+xml")}
#: RSS has one text per item (the body); Atom has the excerpt as summary and the body as content.
SUMMARY_OF_THEMED = {"rss": "<p>Some words.</p>", "atom": "Cats & mice"}


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_delivery.plugin]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        extra={POST_URL: POST_URL_PATTERN, MAX_AGE: 90, FEED_TITLE: "Peace & <Justice> news"},
    )


async def newsroom() -> dict[str, Any]:
    """Three public posts (one by two authors, one on a theme), a draft and a future post."""
    peace = await factories.theme("feminist-peace", name="Feminist peace")
    berlin = await factories.section("berlin", name="Berlin")
    ada = await factories.person("ada", name="Ada Lovelace")
    grace = await factories.person("grace", name="Grace Hopper")
    oldest = await factories.post("oldest", title="Oldest")
    themed = await factories.post(
        "themed",
        title="Tom & Jerry <on> peace",
        excerpt="Cats & mice",
        themes=[peace],
        authors=[ada, grace],
        language="de",
    )
    newest = await factories.post("newest", title="Newest", sections=[berlin])
    await factories.post("a-draft", title="A draft", status=PostStatus.DRAFT, published_at=None)
    await factories.post(
        "tomorrow",
        title="Tomorrow",
        status=PostStatus.SCHEDULED,
        published_at=datetime.now(UTC) + timedelta(days=1),
    )
    return {"oldest": oldest, "themed": themed, "newest": newest}


async def parsed(client: httpx.AsyncClient, extension: str, **params: str) -> Any:
    response = await client.get(f"/feeds/posts.{extension}", params=params)
    assert response.status_code == 200, response.text
    version, media_type = XML_FORMATS[extension]
    assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == version
    return feed


@pytest.mark.parametrize("extension", ["rss", "atom"])
async def test_xml_feeds_list_public_posts_newest_first_with_absolute_links(
    client: httpx.AsyncClient, extension: str
) -> None:
    posts = await newsroom()
    feed = await parsed(client, extension)
    assert feed.feed.title == "Peace & <Justice> news"
    assert [entry.title for entry in feed.entries] == ["Newest", "Tom & Jerry <on> peace", "Oldest"]
    assert [entry.link for entry in feed.entries] == [
        "https://example.org/news/newest",
        "https://example.org/news/themed",
        "https://example.org/news/oldest",
    ]
    themed = feed.entries[1]
    assert themed.summary == SUMMARY_OF_THEMED[extension]
    assert [author.name for author in themed.authors] == ["Ada Lovelace", "Grace Hopper"]
    assert tuple(themed.published_parsed[:6]) == posts["themed"].published_at.utctimetuple()[:6]


@pytest.mark.parametrize("extension", ["rss", "atom"])
async def test_filtered_feed_holds_only_the_theme_and_names_it(
    client: httpx.AsyncClient, extension: str
) -> None:
    await newsroom()
    feed = await parsed(client, extension, theme="feminist-peace")
    assert [entry.link for entry in feed.entries] == ["https://example.org/news/themed"]
    assert feed.feed.title == "Peace & <Justice> news — Theme: Feminist peace"


async def test_json_feed_follows_json_feed_1_1(client: httpx.AsyncClient) -> None:
    # feedparser 6.0 reads RSS and Atom only, so JSON Feed's required members are checked here.
    posts = await newsroom()
    response = await client.get("/feeds/posts.json", params={"section": "berlin"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/feed+json; charset=utf-8"
    feed = response.json()
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == "Peace & <Justice> news — Section: Berlin"
    assert feed["home_page_url"] == "https://example.org/"
    assert feed["feed_url"] == "http://hub.test/feeds/posts.json?section=berlin"
    [item] = feed["items"]
    assert item["id"] == item["url"] == "https://example.org/news/newest"
    assert item["title"] == "Newest"
    assert item["content_html"] == "<p>Some words.</p>"
    published = posts["newest"].published_at.astimezone(UTC)
    assert item["date_published"] == published.strftime("%Y-%m-%dT%H:%M:%SZ")


async def test_json_feed_keeps_special_characters_as_text(client: httpx.AsyncClient) -> None:
    await newsroom()
    feed = (await client.get("/feeds/posts.json", params={"author": "grace"})).json()
    [item] = feed["items"]
    assert item["title"] == "Tom & Jerry <on> peace"
    assert item["authors"] == [{"name": "Ada Lovelace"}, {"name": "Grace Hopper"}]
    assert item["language"] == "de"


@pytest.mark.parametrize(
    ("params", "titles"),
    [
        ({"language": "de"}, ["Tom & Jerry <on> peace"]),
        ({"author": "ada"}, ["Tom & Jerry <on> peace"]),
        ({"limit": "2"}, ["Newest", "Tom & Jerry <on> peace"]),
        ({"published_before": "2100-01-01T00:00:00Z", "limit": "1"}, ["Newest"]),
        ({"published_after": "2100-01-01T00:00:00+00:00"}, []),
    ],
)
async def test_feed_filters_match_graphql_post_filter(
    client: httpx.AsyncClient, gql: Any, params: dict[str, str], titles: list[str]
) -> None:
    await newsroom()
    feed = (await client.get("/feeds/posts.json", params=params)).json()
    assert [item["title"] for item in feed["items"]] == titles
    graphql_filter = {
        {"published_before": "publishedBefore", "published_after": "publishedAfter"}.get(k, k): v
        for k, v in params.items()
        if k != "limit"
    }
    data = await gql.data(
        "query($f: PostFilter, $n: Int) { posts(filter: $f, first: $n) "
        "{ edges { node { title } } } }",
        {"f": graphql_filter, "n": int(params.get("limit", "20"))},
    )
    assert [edge["node"]["title"] for edge in data["posts"]["edges"]] == titles


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "0"}, "limit='0' must be a whole number from 1 to 100"),
        ({"limit": "101"}, "limit='101' must be a whole number from 1 to 100"),
        ({"published_after": "yesterday"}, "published_after='yesterday' is not an ISO 8601"),
        ({"language": "not a language"}, "language: 'not a language' is not a BCP 47"),
        ({"theme": "Not A Slug"}, "theme: 'Not A Slug' is not a slug"),
        ({"colour": "red"}, "unknown parameter 'colour'"),
    ],
)
async def test_bad_parameters_are_refused_with_400_naming_them(
    client: httpx.AsyncClient, params: dict[str, str], message: str
) -> None:
    response = await client.get("/feeds/posts.rss", params=params)
    assert response.status_code == 400
    assert response.text.startswith(message)
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("name", ["theme", "section", "author"])
async def test_unknown_slug_is_404(client: httpx.AsyncClient, name: str) -> None:
    await newsroom()
    response = await client.get("/feeds/posts.atom", params={name: "nowhere"})
    assert response.status_code == 404
    assert "slug 'nowhere'" in response.text


async def test_unknown_format_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/feeds/posts.xml")
    assert response.status_code == 404
    assert "atom, json, rss" in response.text


async def test_feed_is_cacheable_and_answers_if_none_match_with_304(
    client: httpx.AsyncClient,
) -> None:
    posts = await newsroom()
    response = await client.get("/feeds/posts.rss")
    assert response.headers["cache-control"] == "public, max-age=90"
    assert response.headers["access-control-allow-origin"] == "*"
    keys = response.headers["surrogate-key"].split()
    assert keys[0] == "Post"
    assert f"Post:{posts['newest'].id}" in keys
    etag = response.headers["etag"]
    again = await client.get("/feeds/posts.rss", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""


async def test_feed_runs_a_fixed_number_of_statements(
    client: httpx.AsyncClient, sql_counter: SQLCounter
) -> None:
    await newsroom()
    sql_counter.reset()
    response = await client.get("/feeds/posts.atom", params={"theme": "feminist-peace"})
    assert response.status_code == 200
    # the theme's name, the posts, their authors, the languages of its content (its alternates);
    # no translation group statement, as none of the posts is translated
    assert sql_counter.count == 4, sql_counter.statements


@pytest.mark.parametrize("extension", ["rss", "atom", "json"])
async def test_without_a_post_url_feeds_are_404_naming_the_setting(
    tmp_path: Path, extension: str
) -> None:
    # No database is touched: the route answers before any query.
    pm = get_plugin_manager(extra_plugins=[hub_delivery.plugin], load_entry_points=False)
    app = create_app(Settings(data_dir=tmp_path), pm)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
        response = await http.get(f"/feeds/posts.{extension}")
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert "HUB_DELIVERY_POST_URL" in response.text
    assert response.text.startswith("feeds are off")
