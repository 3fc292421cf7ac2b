"""``Post.seo``: a post's meta description and canonical URL, its own or sensible defaults,
set through createPost/updatePost, checked like every field, and carried by export/import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hub_delivery.plugin
import pytest
from hub_delivery.settings import POST_URL
from starlette.applications import Starlette

from hub.content.models import Post
from hub.content.registry import ContentTypes
from hub.content.seo import DESCRIPTION_LENGTH, summary
from hub.content.transfer import InvalidContent, dump_json, export_content, import_content
from hub.hookimpl import hookimpl
from hub.settings import Settings
from tests import factories
from tests.conftest import GraphQLClient
from tests.test_mutations import as_editor, gid

SEO = "{ post(slug: $slug) { seo { title description canonicalUrl } } }"
SEO_OF = "query($slug: String!) " + SEO
CREATE = """
mutation($input: CreatePostInput!) {
  createPost(input: $input) {
    post { slug metaDescription canonicalUrl seo { description canonicalUrl } version }
    errors { field message code }
  }
}"""
UPDATE = """
mutation($input: UpdatePostInput!) {
  updatePost(input: $input) {
    post { metaDescription canonicalUrl seo { description canonicalUrl } version }
    errors { field message code }
  }
}"""
LONG_EXCERPT = (
    "<p>Women from <em>forty</em> countries met in The Hague in 1915 &amp; asked the warring "
    "governments to stop: mediation, not conquest, was the way out of a war that had already "
    "killed millions across Europe and beyond.</p>"
)


@pytest.fixture
def post_url() -> str:
    return ""


class DatedUrls:
    """A site whose post pages the delivery plugin's one pattern cannot say."""

    @staticmethod
    @hookimpl
    def public_url(type_name: str, slug: str) -> str | None:
        return f"https://example.net/2026/{slug}.html" if type_name == "Post" else None


@pytest.fixture
def own_urls() -> list[object]:
    return []


@pytest.fixture
def extra_plugins(own_urls: list[object]) -> list[object]:
    return [hub_delivery.plugin, *own_urls]


@pytest.fixture
def settings(database_url: str, tmp_path: Path, post_url: str) -> Settings:
    return Settings(data_dir=tmp_path, database_url=database_url, extra={POST_URL: post_url})


async def seo_of(gql: GraphQLClient, slug: str) -> dict[str, Any]:
    found: dict[str, Any] = (await gql.data(SEO_OF, {"slug": slug}))["post"]["seo"]
    return found


def test_a_long_text_is_cut_at_a_word_with_an_ellipsis() -> None:
    words = "peace " * 40
    cut = summary(words)
    assert len(cut) <= DESCRIPTION_LENGTH
    assert cut.endswith("peace\u2026")
    assert summary("short  and\n\nsweet") == "short and sweet"
    assert summary("x" * 200) == "x" * 159 + "\u2026"  # one long word is cut inside
    assert summary("war, " * 40).endswith("war\u2026")  # no comma before the ellipsis


async def test_without_its_own_values_a_post_describes_itself_from_its_excerpt(
    gql: GraphQLClient,
) -> None:
    await factories.post("hague", title="The Hague, 1915", excerpt=LONG_EXCERPT)
    await factories.post("body-only", excerpt="", body="<p>Only a <b>body</b>.</p>")
    await factories.post("silent", excerpt="", body="")

    hague = await seo_of(gql, "hague")
    assert hague["title"] == "The Hague, 1915"
    assert hague["description"] == (
        "Women from forty countries met in The Hague in 1915 & asked the warring governments "
        "to stop: mediation, not conquest, was the way out of a war that had already\u2026"
    )
    assert len(hague["description"]) == DESCRIPTION_LENGTH
    assert hague["canonicalUrl"] is None  # no public URL pattern set
    assert (await seo_of(gql, "body-only"))["description"] == "Only a body."
    assert (await seo_of(gql, "silent"))["description"] is None


@pytest.mark.parametrize("post_url", ["https://example.org/news/{slug}/"])
async def test_the_canonical_url_defaults_to_the_public_post_url(gql: GraphQLClient) -> None:
    await factories.post("peace-talks")
    await factories.post("moved", canonical_url="https://partner.example/peace")

    assert (await seo_of(gql, "peace-talks"))["canonicalUrl"] == (
        "https://example.org/news/peace-talks/"
    )
    assert (await seo_of(gql, "moved"))["canonicalUrl"] == "https://partner.example/peace"


@pytest.mark.parametrize("own_urls", [[DatedUrls()]])
async def test_any_plugin_may_answer_a_posts_public_url(gql: GraphQLClient) -> None:
    # No HUB_DELIVERY_POST_URL: the delivery plugin has no opinion, another plugin answers.
    await factories.post("peace-talks")
    assert (await seo_of(gql, "peace-talks"))["canonicalUrl"] == (
        "https://example.net/2026/peace-talks.html"
    )


@pytest.mark.parametrize("post_url", ["https://example.org/news/{slug}"])
async def test_an_editor_sets_and_clears_the_posts_own_values(gql: GraphQLClient) -> None:
    await as_editor(gql)
    created = (
        await gql.data(
            CREATE,
            {
                "input": {
                    "slug": "summit",
                    "title": "Summit",
                    "excerpt": "From the excerpt.",
                    "metaDescription": "  Our own words.  ",
                    "canonicalUrl": "https://wilpf.org/summit",
                }
            },
        )
    )["createPost"]
    assert created["errors"] == []
    assert created["post"] == {
        "slug": "summit",
        "metaDescription": "Our own words.",
        "canonicalUrl": "https://wilpf.org/summit",
        "seo": {"description": "Our own words.", "canonicalUrl": "https://wilpf.org/summit"},
        "version": 1,
    }
    post = await Post.get(slug="summit")
    cleared = (
        await gql.data(
            UPDATE,
            {
                "input": {
                    "id": gid("Post", post.id),
                    "version": 1,
                    "metaDescription": "",
                    "canonicalUrl": None,
                }
            },
        )
    )["updatePost"]
    assert cleared["errors"] == []
    assert cleared["post"] == {
        "metaDescription": "",
        "canonicalUrl": None,
        "seo": {
            "description": "From the excerpt.",
            "canonicalUrl": "https://example.org/news/summit",
        },
        "version": 2,
    }


async def test_bad_values_are_refused_naming_the_field_and_nothing_is_stored(
    gql: GraphQLClient,
) -> None:
    await as_editor(gql)
    post = await factories.post("kept", meta_description="As it was.")
    answer = (
        await gql.data(
            UPDATE,
            {
                "input": {
                    "id": gid("Post", post.id),
                    "version": post.version,
                    "title": "Changed",
                    "metaDescription": "<p>Peace</p> now",
                    "canonicalUrl": "javascript:alert(1)",
                }
            },
        )
    )["updatePost"]
    assert answer["post"] is None
    assert answer["errors"] == [
        {
            "field": "metaDescription",
            "code": "INVALID",
            "message": "metaDescription: must be plain text, without HTML tags such as <p>.",
        },
        {
            "field": "canonicalUrl",
            "code": "INVALID",
            "message": "canonicalUrl: 'javascript:alert(1)' is not an http(s) URL.",
        },
    ]
    too_long = (
        await gql.data(
            CREATE,
            {
                "input": {
                    "slug": "wordy",
                    "title": "Wordy",
                    "metaDescription": "w" * 301,
                    "canonicalUrl": "ftp://example.org/file",
                }
            },
        )
    )["createPost"]
    assert too_long["post"] is None
    assert [(e["field"], e["code"]) for e in too_long["errors"]] == [
        ("metaDescription", "TOO_LONG"),
        ("canonicalUrl", "INVALID"),
    ]
    assert "301 characters long; the most is 300" in too_long["errors"][0]["message"]
    stored = await Post.get(id=post.id)
    assert (stored.title, stored.meta_description, stored.version) == (post.title, "As it was.", 1)
    assert not await Post.exists(slug="wordy")
    # A lone "<" is text, not markup.
    fine = await gql.data(
        UPDATE,
        {"input": {"id": gid("Post", post.id), "version": 1, "metaDescription": "1 < 2"}},
    )
    assert fine["updatePost"]["post"]["seo"]["description"] == "1 < 2"


async def test_export_and_import_carry_the_posts_own_values(
    app: Starlette, gql: GraphQLClient
) -> None:
    await factories.post(
        "summit", meta_description="Our own words.", canonical_url="https://wilpf.org/summit"
    )
    await factories.post("plain")
    types: ContentTypes = app.state.hub.content_types
    exported = await export_content(types)
    records = {record["slug"]: record for record in exported["posts"]}
    assert records["summit"]["meta_description"] == "Our own words."
    assert records["summit"]["canonical_url"] == "https://wilpf.org/summit"
    assert (records["plain"]["meta_description"], records["plain"]["canonical_url"]) == ("", "")
    before = await seo_of(gql, "summit")

    await Post.all().delete()
    await import_content(app.state.hub.plugin_manager, exported)
    assert await seo_of(gql, "summit") == before
    assert dump_json(await export_content(types)) == dump_json(exported)

    bad = {"posts": [{**records["plain"], "meta_description": "<b>x</b>"}]}
    with pytest.raises(InvalidContent) as raised:
        await import_content(app.state.hub.plugin_manager, bad)
    assert [str(problem) for problem in raised.value.problems] == [
        'posts[0] (slug "plain"): field "meta_description": must be plain text, without HTML '
        "tags such as <p>"
    ]
