"""``hub.testing``: what a plugin's tests get from the hub, used as a plugin author uses it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import typer

from hub import (
    CommandError,
    ContentEvent,
    Post,
    Role,
    Setting,
    command_settings,
    hookimpl,
    run_in_database,
)
from hub.testing import hub_cli, hub_client, sql_statements

SEEN: list[tuple[str, dict[str, Any]]] = []
MOTTO: Setting[str] = Setting("HUB_HARNESS_MOTTO", str, "Peace", "A motto for the tests.")


class HarnessPlugin:
    """A third-party plugin: a setting, a content-event handler and a command."""

    __name__ = "harness"

    @staticmethod
    @hookimpl
    def register_settings() -> Sequence[Setting[Any]]:
        return [MOTTO]

    @staticmethod
    @hookimpl
    def content_events(events: Sequence[ContentEvent]) -> None:
        SEEN.extend((event.kind, dict(event.changes)) for event in events)

    @staticmethod
    @hookimpl
    def register_commands(cli: typer.Typer) -> None:
        @cli.command("harness-posts")
        def count_posts() -> None:
            """How many posts there are, and the motto."""

            async def count() -> int:
                return await Post.all().count()

            total = run_in_database(count)
            if not total:
                raise CommandError("no posts yet")
            print(f"{total} post(s); {command_settings().value(MOTTO)}")


PLUGINS = [HarnessPlugin()]
POST = """query($slug: String!) { post(slug: $slug) {
  title authors { slug } themes { slug } sections { slug countryCode }
} }"""


async def test_content_is_made_through_the_import_and_announced(tmp_path: Path) -> None:
    SEEN.clear()
    async with hub_client(PLUGINS, tmp_path) as client:
        geneva = await client.content.section("geneva", country_code="CH")
        author = await client.content.person(section=geneva)
        peace = await client.content.theme("peace")
        await client.content.post(
            "open-letter", title="An open letter", authors=[author], themes=[peace],
            sections=["geneva"], body="<p>Hi<script>alert(1)</script></p>",
        )  # fmt: skip
        data = await client.graphql(POST, {"slug": "open-letter"})
        stored = await Post.get(slug="open-letter")
    assert data["post"] == {
        "title": "An open letter",
        "authors": [{"slug": author.slug}],
        "themes": [{"slug": "peace"}],
        "sections": [{"slug": "geneva", "countryCode": "CH"}],
    }
    assert "<script>" not in stored.body  # sanitised, as an import sanitises
    assert ("post.published", SEEN[-1][1]) == SEEN[-1]
    assert SEEN[-1][1]["title"] == "An open letter"


async def test_sign_in_gives_a_token_with_the_scopes_asked_for(tmp_path: Path) -> None:
    viewer = "{ viewer { role scopes } }"
    async with hub_client(PLUGINS, tmp_path) as client:
        narrow = await client.sign_in(Role.EDITOR, ["content:read-drafts"])
        every = await client.sign_in(Role.EDITOR)
        assert (await client.graphql(viewer, headers=narrow))["viewer"] == {
            "role": "editor",
            "scopes": ["content:read-drafts"],
        }
        scopes = (await client.graphql(viewer, headers=every))["viewer"]["scopes"]
        assert {"content:publish", "content:write"} <= set(scopes)
        assert await client.graphql(viewer) == {"viewer": None}


async def test_sql_statements_counts_what_a_request_sends(tmp_path: Path) -> None:
    async with hub_client(PLUGINS, tmp_path) as client:
        for _ in range(3):
            await client.content.post(themes=[await client.content.theme()])
        query = "{ posts(first: 10) { edges { node { slug themes { slug } } } } }"
        with sql_statements() as statements:
            data = await client.graphql(query)
    assert len(data["posts"]["edges"]) == 3
    # The posts, their count for the page, their themes: whatever the number of posts.
    assert 1 <= statements.count <= 4, statements.statements
    assert all(not s.upper().startswith(("BEGIN", "SAVEPOINT")) for s in statements.statements)


async def test_a_plugin_is_loaded_by_its_entry_point_name(tmp_path: Path) -> None:
    async with hub_client(["webhooks"], tmp_path) as client:
        assert client.plugin_manager.get_plugin("webhooks") is not None
        assert client.plugin_manager.get_plugin("donations") is None
        assert client.settings.value(Setting("HUB_WEBHOOKS_TIMEOUT", float, 0.0, "")) > 0


def test_an_entry_point_name_not_installed_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="No installed plugin is named 'nosuch'; installed: "):
        hub_cli(["nosuch"], tmp_path)


def test_a_plugin_command_runs_with_its_settings_on_the_hubs_database(tmp_path: Path) -> None:
    cli = hub_cli(PLUGINS, tmp_path, extra={MOTTO.name: "Bread and roses"})
    empty = cli.invoke("harness-posts")
    assert empty.exit_code == 1
    assert empty.output == "error: no posts yet\n"
    cli.invoke("import", str(_one_post(tmp_path)))
    done = cli.invoke("harness-posts")
    assert done.exit_code == 0, done.output
    assert done.stdout == "1 post(s); Bread and roses\n"


def _one_post(folder: Path) -> Path:
    file = folder / "content.json"
    file.write_text('{"posts": [{"slug": "one", "title": "One"}]}', encoding="utf-8")
    return file
