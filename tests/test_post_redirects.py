"""A post keeps its old addresses: slugs it had before a rename, and an older site's paths."""

from __future__ import annotations

import io
from typing import Any

import pytest
from starlette.applications import Starlette

from bench.wxr import WpPost, export_bytes
from hub.content.models import Post, PostStatus
from hub.content.transfer import InvalidContent, export_content, import_content
from hub.content.wordpress.convert import ThemesFrom, convert
from hub.content.wordpress.wxr import read_export
from tests import factories
from tests.conftest import GraphQLClient
from tests.test_mutations import UPDATE_POST, as_editor, gid

POST_BY_SLUG = """
query($slug: String!) { post(slug: $slug) { slug title slugRedirectedFrom } }"""
REDIRECT = """
query($path: String!) { redirect(path: $path) { oldPath post { slug } } }"""


async def rename(gql: GraphQLClient, post_id: int, slug: str) -> None:
    version = (await gql.data(POST_BY_ID, {"id": gid("Post", post_id)}))["node"]["version"]
    data = await gql.data(
        UPDATE_POST, {"input": {"id": gid("Post", post_id), "version": version, "slug": slug}}
    )
    assert data["updatePost"]["errors"] == []


POST_BY_ID = "query($id: ID!) { node(id: $id) { ... on Post { version } } }"


async def lookup(gql: GraphQLClient, slug: str) -> Any:
    return (await gql.data(POST_BY_SLUG, {"slug": slug}))["post"]


def pm_of(app: Starlette) -> Any:
    return app.state.hub.plugin_manager


async def test_a_renamed_post_is_found_by_its_old_slug_and_says_it_moved(
    gql: GraphQLClient,
) -> None:
    await as_editor(gql)
    post = await factories.post("old-name", title="Peace talks")
    await rename(gql, post.id, "new-name")
    gql.headers.clear()
    assert await lookup(gql, "old-name") == {
        "slug": "new-name",
        "title": "Peace talks",
        "slugRedirectedFrom": "old-name",
    }
    assert (await lookup(gql, "new-name"))["slugRedirectedFrom"] is None


async def test_a_chain_of_renames_leads_every_old_slug_to_the_current_one(
    gql: GraphQLClient,
) -> None:
    await as_editor(gql)
    post = await factories.post("first")
    await rename(gql, post.id, "second")
    await rename(gql, post.id, "third")
    for old in ("first", "second"):
        assert await lookup(gql, old) == {
            "slug": "third",
            "title": post.title,
            "slugRedirectedFrom": old,
        }
    # Back to a slug it had: found as itself, not as a redirect.
    await rename(gql, post.id, "first")
    assert (await lookup(gql, "first"))["slugRedirectedFrom"] is None
    assert (await lookup(gql, "third"))["slug"] == "first"


async def test_a_post_taking_an_old_slug_wins_over_the_redirect(gql: GraphQLClient) -> None:
    await as_editor(gql)
    moved = await factories.post("shared-name", title="Moved")
    await rename(gql, moved.id, "moved")
    newcomer = await factories.post("shared-name", title="Newcomer")
    assert await lookup(gql, "shared-name") == {
        "slug": "shared-name",
        "title": "Newcomer",
        "slugRedirectedFrom": None,
    }
    # The slug's last holder gets the redirect when it moves on in turn.
    await rename(gql, newcomer.id, "newcomer")
    assert (await lookup(gql, "shared-name"))["title"] == "Newcomer"


async def test_an_old_slug_of_a_draft_finds_nothing_for_anonymous_clients(
    gql: GraphQLClient,
) -> None:
    await as_editor(gql)
    draft = await factories.post("draft-old", status=PostStatus.DRAFT, published_at=None)
    await rename(gql, draft.id, "draft-new")
    assert (await lookup(gql, "draft-old"))["slug"] == "draft-new"
    gql.headers.clear()
    assert await lookup(gql, "draft-old") is None


async def test_an_import_renaming_a_post_by_its_id_keeps_the_old_slug(
    app: Starlette, gql: GraphQLClient
) -> None:
    post = await factories.post("before", title="Kept")
    document = await export_content(app.state.hub.content_types)
    document["posts"][0]["slug"] = "after"
    report = await import_content(pm_of(app), document)
    assert report.updated["posts"] == 1
    assert await lookup(gql, "before") == {
        "slug": "after",
        "title": "Kept",
        "slugRedirectedFrom": "before",
    }
    exported = await export_content(app.state.hub.content_types)
    assert exported["posts"][0]["id"] == document["posts"][0]["id"]
    assert exported["posts"][0]["old_slugs"] == ["before"]
    assert post.id == (await Post.get(slug="after")).id


async def test_exported_redirects_come_back_with_an_import_into_another_database(
    app: Starlette, gql: GraphQLClient
) -> None:
    document = {
        "version": 1,
        "posts": [
            {
                "slug": "current",
                "title": "Current",
                "status": "published",
                "published_at": "2024-01-01T00:00:00Z",
                "old_slugs": ["older", "oldest"],
                "old_paths": ["https://old.example.org/2019/05/current/", "/?p=42"],
            }
        ],
    }
    await import_content(pm_of(app), document)
    exported = (await export_content(app.state.hub.content_types))["posts"][0]
    assert exported["old_slugs"] == ["older", "oldest"]
    assert exported["old_paths"] == ["/2019/05/current", "/?p=42"]
    assert (await lookup(gql, "oldest"))["slug"] == "current"
    found = await gql.data(REDIRECT, {"path": "/2019/05/current/?utm=x#top"})
    # Query parameters are part of the old address (?p=42 is one): this one was never kept.
    assert found["redirect"] is None
    found = await gql.data(REDIRECT, {"path": "https://example.org/2019/05/current/#top"})
    assert found["redirect"] == {"oldPath": "/2019/05/current", "post": {"slug": "current"}}
    # Importing the export again changes nothing.
    again = await import_content(pm_of(app), await export_content(app.state.hub.content_types))
    assert again.unchanged["posts"] == 1


async def test_bad_redirects_in_an_import_are_reported_with_their_record(app: Starlette) -> None:
    document = {
        "version": 1,
        "posts": [
            {
                "slug": "here",
                "title": "Here",
                "old_slugs": ["Not A Slug", "here"],
                "old_paths": ["no-slash", "ftp://example.org/x", "/" + "x" * 600],
            }
        ],
    }
    with pytest.raises(InvalidContent) as refused:
        await import_content(pm_of(app), document)
    messages = [str(problem) for problem in refused.value.problems]
    assert len(messages) == 5, messages
    assert all('posts[0] (slug "here")' in message for message in messages)
    assert any("'here' is the post's own slug" in message for message in messages)
    assert any("at most 500" in message for message in messages)


async def test_a_malformed_path_is_a_bad_user_input_naming_it(gql: GraphQLClient) -> None:
    message = await gql.error(REDIRECT, {"path": "not a path"})
    assert message.startswith("path: 'not a path' is not a path")


async def test_wordpress_permalinks_and_p_urls_lead_to_the_imported_post(
    app: Starlette, gql: GraphQLClient
) -> None:
    posts = [WpPost(12, "Peace talks", post_name="peace-talks"), WpPost(13, "Second")]
    raw = export_bytes(posts).replace(
        b"<link>https://example.org/?p=12</link>",
        b"<link>https://example.org/2019/05/peace-talks/</link>",
    )
    converted = convert(read_export(io.BytesIO(raw), lambda _: None), ThemesFrom.CATEGORIES, None)
    await import_content(pm_of(app), converted.document())
    for path, slug in (
        ("https://example.org/2019/05/peace-talks/", "peace-talks"),
        ("/2019/05/peace-talks", "peace-talks"),
        ("/?p=12", "peace-talks"),
        ("https://example.org/?p=13", "second"),
    ):
        found = await gql.data(REDIRECT, {"path": path})
        assert found["redirect"]["post"] == {"slug": slug}, path
    assert (await gql.data(REDIRECT, {"path": "/?p=99"}))["redirect"] is None


async def test_an_import_renaming_onto_a_slug_its_file_still_names_is_refused(
    app: Starlette,
) -> None:
    await factories.section("kenya", name="Kenya")
    document = await export_content(app.state.hub.content_types)
    section = document["sections"][0]
    renamed = {**section, "slug": "wilpf-kenya"}
    document["sections"] = [renamed]
    document["people"] = [{"slug": "ada", "name": "Ada", "section": "kenya"}]
    with pytest.raises(InvalidContent) as refused:
        await import_content(pm_of(app), document)
    assert [str(problem) for problem in refused.value.problems] == [
        'people[0] (slug "ada"): field "section": no section with slug "kenya" in the file or '
        "the database"
    ]
