"""``/sitemap.xml``: the public pages of the site for search engines (sitemaps.org protocol)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
import httpx
import hub_delivery.plugin
import pytest
from hub_delivery.settings import (
    MAX_AGE,
    POST_URL,
    SECTION_URL,
    SITEMAP_MAX_URLS,
    THEME_URL,
)

from hub.access.models import Role
from hub.content.models import Post, PostStatus
from hub.hookimpl import hookimpl
from hub.settings import Settings
from tests import factories
from tests.conftest import GraphQLClient, SQLCounter
from tests.test_access_tokens import bearer, sign_in
from tests.test_mutations import UPDATE_POST, gid

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
PURGED: list[list[str]] = []


class PurgeRecorder:
    __name__ = "sitemap-purge-recorder"

    @staticmethod
    @hookimpl(optionalhook=True)
    def purge_cache(keys: Sequence[str]) -> None:
        PURGED.append(list(keys))


@pytest.fixture
def extra_plugins() -> list[object]:
    PURGED.clear()
    return [hub_delivery.plugin, PurgeRecorder()]


@pytest.fixture
def sitemap_limit() -> int:
    return 50_000


@pytest.fixture
def default_language() -> str:
    return "en"


@pytest.fixture
def settings(
    database_url: str, tmp_path: Path, sitemap_limit: int, default_language: str
) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        default_language=default_language,
        extra={
            POST_URL: "https://example.org/news/{slug}",
            SECTION_URL: "https://example.org/sections/{slug}",
            THEME_URL: "https://example.org/themes/{slug}",
            MAX_AGE: 90,
            SITEMAP_MAX_URLS: sitemap_limit,
        },
    )


async def site() -> dict[str, Any]:
    """Two public posts, a draft, a scheduled post, a section, a theme and a person."""
    section = await factories.section("berlin", name="Berlin")
    theme = await factories.theme("feminist-peace", name="Feminist peace")
    await factories.person("ada", name="Ada")  # no person URL: people are not listed
    english = await factories.post("peace-talks", language="en")
    brazilian = await factories.post("paz", language="pt-BR")
    await factories.post("a-draft", status=PostStatus.DRAFT, published_at=None)
    await factories.post(
        "tomorrow",
        status=PostStatus.SCHEDULED,
        published_at=datetime.now(UTC) + timedelta(days=1),
    )
    return {"english": english, "brazilian": brazilian, "section": section, "theme": theme}


async def parsed(client: httpx.AsyncClient, path: str = "/sitemap.xml") -> Any:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    return SafeET.fromstring(response.content)


def locations(root: Any) -> list[str]:
    return [loc.text for loc in root.iterfind("s:url/s:loc", NS)]


async def test_the_sitemap_lists_public_posts_sections_and_themes_with_lastmod(
    client: httpx.AsyncClient,
) -> None:
    made = await site()
    root = await parsed(client)
    assert root.tag == f"{{{NS['s']}}}urlset"
    assert locations(root) == [
        "https://example.org/news/peace-talks",
        "https://example.org/news/paz",
        "https://example.org/sections/berlin",
        "https://example.org/themes/feminist-peace",
    ]
    urls = {url.find("s:loc", NS).text: url for url in root.iterfind("s:url", NS)}
    post = urls["https://example.org/news/paz"]
    stored = made["brazilian"]
    newest = max(stored.updated_at, stored.published_at).astimezone(UTC)
    assert post.find("s:lastmod", NS).text == newest.isoformat(timespec="seconds")
    section = urls["https://example.org/sections/berlin"].find("s:lastmod", NS).text
    assert datetime.fromisoformat(section) <= datetime.now(UTC)
    # Themes keep no modification time: no lastmod rather than a made-up one.
    assert urls["https://example.org/themes/feminist-peace"].find("s:lastmod", NS) is None


async def test_each_post_names_its_language_as_an_hreflang_alternate(
    client: httpx.AsyncClient,
) -> None:
    await site()
    root = await parsed(client)
    alternates = {
        url.find("s:loc", NS).text: [
            (link.get("rel"), link.get("hreflang"), link.get("href"))
            for link in url.iterfind("x:link", NS)
        ]
        for url in root.iterfind("s:url", NS)
    }
    assert alternates["https://example.org/news/paz"] == [
        ("alternate", "pt-BR", "https://example.org/news/paz")
    ]
    assert alternates["https://example.org/sections/berlin"] == []


async def test_a_translated_post_lists_every_public_version_as_an_alternate(
    client: httpx.AsyncClient,
) -> None:
    made = await site()
    # The draft's French version is not public: it is not an alternate.
    await Post.filter(id__in=[made["english"].id, made["brazilian"].id]).update(
        translation_group="peace-talks"
    )
    await factories.post(
        "rascunho", language="fr", status=PostStatus.DRAFT, published_at=None,
        translation_group="peace-talks",
    )  # fmt: skip
    root = await parsed(client)
    expected = [
        ("en", "https://example.org/news/peace-talks"),
        ("pt-BR", "https://example.org/news/paz"),
        # The organisation's language (HUB_DEFAULT_LANGUAGE, en) for readers of any other.
        ("x-default", "https://example.org/news/peace-talks"),
    ]
    assert post_links(root) == {
        "https://example.org/news/peace-talks": expected,
        "https://example.org/news/paz": expected,
    }


def post_links(root: Any) -> dict[str, list[tuple[str, str]]]:
    """Each post's ``(hreflang, href)`` alternates, by its URL."""
    return {
        url.find("s:loc", NS).text: [
            (link.get("hreflang"), link.get("href")) for link in url.iterfind("x:link", NS)
        ]
        for url in root.iterfind("s:url", NS)
        if "/news/" in url.find("s:loc", NS).text
    }


async def test_a_group_without_a_public_version_in_the_default_language_has_no_x_default(
    client: httpx.AsyncClient,
) -> None:
    await factories.post("paz", language="pt-BR", translation_group="peace")
    await factories.post("paix", language="fr", translation_group="peace")
    # Its English version is a draft: no page serves readers of other languages.
    await factories.post(
        "peace", language="en", translation_group="peace", status=PostStatus.DRAFT,
        published_at=None,
    )  # fmt: skip
    links = post_links(await parsed(client))
    assert links["https://example.org/news/paz"] == [
        ("fr", "https://example.org/news/paix"),
        ("pt-BR", "https://example.org/news/paz"),
    ]


@pytest.mark.parametrize("default_language", ["fr"])
async def test_x_default_is_the_version_in_the_organisations_language(
    client: httpx.AsyncClient,
) -> None:
    await factories.post("peace", language="en", translation_group="peace")
    await factories.post("paix", language="FR", translation_group="peace")  # any case
    links = post_links(await parsed(client))
    assert links["https://example.org/news/peace"][-1] == (
        "x-default", "https://example.org/news/paix"
    )  # fmt: skip


async def test_the_sitemap_is_cacheable_and_answers_if_none_match_with_304(
    client: httpx.AsyncClient, sql_counter: SQLCounter
) -> None:
    await site()
    sql_counter.reset()
    response = await client.get("/sitemap.xml")
    # a count and a page for each of posts, sections and themes
    assert sql_counter.count == 6, sql_counter.statements
    assert response.headers["cache-control"] == "public, max-age=90"
    assert response.headers["surrogate-key"].split() == ["Post", "Section", "Theme"]
    again = await client.get("/sitemap.xml", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


async def test_publishing_purges_the_sitemap_and_lists_the_post(
    client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    await site()
    before = await client.get("/sitemap.xml")
    assert "a-draft" not in before.text
    draft = await Post.get(slug="a-draft")
    gql.headers.update(bearer(await sign_in(Role.EDITOR)))
    published = await gql.data(
        "mutation($input: PublishPostInput!) { publishPost(input: $input) { errors { message } } }",
        {"input": {"id": gid("Post", draft.id), "version": draft.version}},
    )
    assert published["publishPost"]["errors"] == []
    assert any(set(before.headers["surrogate-key"].split()) & set(keys) for keys in PURGED)
    after = await client.get("/sitemap.xml", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert "https://example.org/news/a-draft" in locations(SafeET.fromstring(after.content))


async def test_a_renamed_post_is_listed_at_its_new_url_only(
    client: httpx.AsyncClient, gql: GraphQLClient
) -> None:
    made = await site()
    gql.headers.update(bearer(await sign_in(Role.EDITOR)))
    post = made["english"]
    data = await gql.data(
        UPDATE_POST,
        {"input": {"id": gid("Post", post.id), "version": post.version, "slug": "peace-deal"}},
    )
    assert data["updatePost"]["errors"] == []
    listed = locations(await parsed(client))
    assert "https://example.org/news/peace-deal" in listed
    assert "https://example.org/news/peace-talks" not in listed


@pytest.mark.parametrize("sitemap_limit", [2])
async def test_beyond_the_limit_the_sitemap_is_an_index_of_files_within_it(
    client: httpx.AsyncClient, sitemap_limit: int
) -> None:
    await site()
    await factories.post("third")
    # 3 posts, a section and a theme: 5 URLs, 2 a file.
    index = await parsed(client)
    assert index.tag == f"{{{NS['s']}}}sitemapindex"
    children = [loc.text for loc in index.iterfind("s:sitemap/s:loc", NS)]
    assert children == [f"http://hub.test/sitemaps/{page}.xml" for page in (1, 2, 3)]
    pages = [
        locations(await parsed(client, child.removeprefix("http://hub.test"))) for child in children
    ]
    assert [len(page) for page in pages] == [2, 2, 1]
    assert [loc for page in pages for loc in page] == [
        "https://example.org/news/peace-talks",
        "https://example.org/news/paz",
        "https://example.org/news/third",
        "https://example.org/sections/berlin",
        "https://example.org/themes/feminist-peace",
    ]
    beyond = await client.get("/sitemaps/4.xml")
    assert beyond.status_code == 404
    assert "/sitemap.xml lists them" in beyond.text


async def test_a_sitemap_size_beyond_the_protocol_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="HUB_DELIVERY_SITEMAP_MAX_URLS"):
        Settings.from_env(
            {"HUB_DATA_DIR": str(tmp_path), SITEMAP_MAX_URLS: "50001"},
            declared=hub_delivery.settings.DECLARED,
        )
