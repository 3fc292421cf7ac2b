"""``hub demo``: the seed content from the organisation's own text, plugins' demo data, and
synthetic posts that are realistic, valid and the same for the same seed."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import asyncpg
import pytest
from starlette.applications import Starlette
from tortoise.backends.base.executor import EXECUTOR_CACHE
from typer.testing import CliRunner, Result

from hub.cli import build_cli
from hub.content.demo import SEED_FILE, SyntheticContent, load_demo, seed_document, slugify
from hub.content.import_console import content_tables
from hub.content.models import Person, Post, PostAuthor, PostSection, PostStatus, PostTheme, Theme
from hub.content.registry import content_types
from hub.content.transfer import dump_json, export_content, import_content
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from tests.conftest import GraphQLClient, only_postgres
from tests.plugin_helpers import make_plugin

SEED_POST = "human-trafficking-when-peacekeepers-become-the-problem"


async def add_plugin_theme(settings: Settings) -> None:
    await Theme.create(slug="from-a-plugin", name="From a plugin")


@pytest.fixture
def extra_plugins() -> list[object]:
    return [make_plugin("demo_maker", load_demo_content=add_plugin_theme)]


async def test_seed_post_is_served_with_its_author(app: Starlette, gql: GraphQLClient) -> None:
    await load_demo(app.state.hub.plugin_manager, app.state.hub.settings)

    data = await gql.data(
        f'{{ post(slug: "{SEED_POST}") {{ title publishedAt language body authors {{ name }} }} }}'
    )
    post = data["post"]
    assert post["title"] == "Human Trafficking: When Peacekeepers Become the Problem"
    assert post["publishedAt"].startswith("2012-11-21")
    assert post["language"] == "en"
    assert post["authors"] == [{"name": "Emma Bürgisser"}]
    assert post["body"].startswith("<p>Last week, Madeleine Rees, Barbro Svedberg and I packed")
    for heading in (
        "The Whistleblower: An Agent of Change",
        "Addressing the Problem",
        "Intellectual Tour de Force",
        "The Results Are In…",
    ):
        assert f"<h2>{heading}</h2>" in post["body"]
    assert post["body"].endswith("all other relevant materials.</p>")
    for not_content in ("Lorem ipsum", "donation", "Share the post", "Skip to content", "By Emma"):
        assert not_content not in post["body"]


async def test_board_members_have_their_roles_and_sections(
    app: Starlette, gql: GraphQLClient
) -> None:
    await load_demo(app.state.hub.plugin_manager, app.state.hub.settings)

    data = await gql.data("{ people(first: 10) { edges { node { name role section { slug } } } } }")
    people = {edge["node"]["name"]: edge["node"] for edge in data["people"]["edges"]}
    assert {name: (p["role"], p["section"]) for name, p in people.items()} == {
        "Emma Bürgisser": ("", None),
        "Jamila Afghani": ("Vice-President", {"slug": "wilpf-afghanistan"}),
        "Melissa Torres": ("Vice-President", {"slug": "wilpf-us"}),
        "Sylvie Jacqueline Ndongmo": ("President", {"slug": "wilpf-cameroon"}),
    }
    board: list[Any] = (
        await Person.filter(board_order__isnull=False)
        .order_by("board_order")
        .values_list("name", flat=True)
    )
    assert board == ["Sylvie Jacqueline Ndongmo", "Melissa Torres", "Jamila Afghani"]


async def test_seed_sections_and_themes_come_from_the_text(
    app: Starlette, gql: GraphQLClient
) -> None:
    await load_demo(app.state.hub.plugin_manager, app.state.hub.settings)

    data = await gql.data(
        "{ sections(first: 10) { edges { node { slug countryCode description } } }"
        " themes { slug name description } }"
    )
    sections = {edge["node"]["slug"]: edge["node"] for edge in data["sections"]["edges"]}
    assert {slug: s["countryCode"] for slug, s in sections.items()} == {
        "wilpf-afghanistan": "AF",
        "wilpf-cameroon": "CM",
        "wilpf-germany": "DE",
        "wilpf-spain": "ES",
        "wilpf-us": "US",
    }
    assert sections["wilpf-afghanistan"]["description"].startswith(
        "In response to the takeover of Afghanistan by the Taliban"
    )
    themes = {theme["slug"]: theme for theme in data["themes"]}
    assert themes["demilitarisation"]["description"].startswith("WILPF uses feminist analysis")
    assert themes["militarised-masculinity"]["name"] == "Militarised masculinity"
    assert themes["feminist-peace"]["description"].endswith("enabled to play a role.")
    assert "from-a-plugin" in themes  # the plugin's load_demo_content ran after the seed


async def test_exporting_the_seed_gives_back_the_seed_file(app: Starlette) -> None:
    await load_demo(app.state.hub.plugin_manager, app.state.hub.settings)
    await Theme.filter(slug="from-a-plugin").delete()

    assert dump_json(await export_content(app.state.hub.content_types)) == SEED_FILE.read_bytes()


def test_synthetic_content_is_the_same_for_the_same_seed() -> None:
    seed = seed_document()
    first = SyntheticContent(7, seed).document(500)
    assert SyntheticContent(7, seed).document(500) == first
    assert SyntheticContent(8, seed).document(500)["posts"] != first["posts"]


def test_synthetic_content_never_reuses_the_seeds_slugs() -> None:
    seed = seed_document()
    synthetic = SyntheticContent(1, seed).document(2000)
    for kind in ("sections", "people", "themes"):
        seed_slugs = {record["slug"] for record in seed[kind]}
        assert seed_slugs.isdisjoint(record["slug"] for record in synthetic[kind])
    seed_countries = {section["country_code"] for section in seed["sections"]}
    assert seed_countries.isdisjoint(s["country_code"] for s in synthetic["sections"])


async def test_synthetic_posts_are_valid_and_varied(app: Starlette) -> None:
    pm, settings = app.state.hub.plugin_manager, app.state.hub.settings
    report = await load_demo(pm, settings, posts=500, seed=3)

    assert report.synthetic is not None
    assert report.synthetic.created["posts"] == 500  # every record passed the import's checks
    assert await Post.all().count() == 501
    posts = await Post.exclude(slug=SEED_POST).values("id", "status", "published_at", "language")
    statuses = Counter(post["status"] for post in posts)
    assert statuses[PostStatus.PUBLISHED] > 440
    assert 0 < statuses[PostStatus.DRAFT] < 30
    assert 0 < statuses[PostStatus.SCHEDULED] < 30
    assert len({post["language"] for post in posts}) >= 3
    years = {post["published_at"].year for post in posts if post["published_at"]}
    assert len(years) >= 15
    authors = Counter(await PostAuthor.all().values_list("post_id", flat=True))
    themes = Counter(await PostTheme.all().values_list("post_id", flat=True))
    sections = Counter(await PostSection.all().values_list("post_id", flat=True))
    for post in posts:
        assert 1 <= authors[post["id"]] <= 3
        assert 1 <= themes[post["id"]] <= 2
        assert 0 <= sections[post["id"]] <= 2
    assert await Person.all().count() == 4 + 10


async def test_loading_the_same_demo_twice_changes_nothing(app: Starlette) -> None:
    pm, settings = app.state.hub.plugin_manager, app.state.hub.settings
    await load_demo(pm, settings, posts=50, seed=5)
    exported = dump_json(await export_content(app.state.hub.content_types))

    again = await import_content(pm, SyntheticContent(5, seed_document()).document(50))

    assert again.created["posts"] == 0
    assert again.updated["posts"] == 0
    assert dump_json(await export_content(app.state.hub.content_types)) == exported


def test_slugs_are_lowercase_hyphenated_ascii() -> None:
    assert slugify("Emma Bürgisser") == "emma-burgisser"
    assert slugify("  Côte d\u2019Ivoire: Women & Peace!  ") == "cote-d-ivoire-women-peace"


# --- through the command line -----------------------------------------------------------------


@pytest.fixture
def hub(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Runs ``hub ...`` in-process on the test database, with the default plugins only."""
    EXECUTOR_CACHE.clear()  # see the app fixture: statements are cached per connection name
    monkeypatch.setenv("HUB_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("HUB_DATA_DIR", str(settings.data_dir))
    original = get_plugin_manager

    def defaults_only(**kwargs: Any) -> Any:
        return original(load_entry_points=False, **kwargs)

    monkeypatch.setattr("hub.cli.get_plugin_manager", defaults_only)

    def run(*args: str) -> Result:
        return CliRunner().invoke(build_cli(), list(args))

    return run


def test_demo_command_loads_the_seed_and_synthetic_posts(hub: Any) -> None:
    assert hub("migrate").exit_code == 0

    result = hub("demo", "--posts", "20", "--seed", "2")

    assert result.exit_code == 0, result.output
    output = " ".join(result.stderr.split())
    assert "Seed content: sections: 5 new" in output
    assert "Synthetic content:" in output
    assert "posts: 20 new" in output
    assert "Writing posts" in output  # the progress bar


def test_demo_if_empty_does_nothing_once_there_are_posts(hub: Any) -> None:
    assert hub("migrate").exit_code == 0
    assert hub("demo", "--if-empty").exit_code == 0
    exported = hub("export").stdout_bytes

    result = hub("demo", "--if-empty", "--posts", "10")

    assert result.exit_code == 0
    assert "already has posts: no demo content loaded" in result.stderr
    assert hub("export").stdout_bytes == exported == SEED_FILE.read_bytes()


def core_tables() -> list[str]:
    return content_tables(content_types(get_plugin_manager(load_entry_points=False), Settings()))


async def table_state(database_url: str) -> dict[str, tuple[int, float, int]]:
    """Per content table: pages marked all-visible and estimated rows (``pg_class``), and
    columns with statistics (``pg_stats``)."""
    connection = await asyncpg.connect(database_url)
    try:
        rows = await connection.fetch(
            "SELECT c.relname, c.relallvisible, c.reltuples, "
            "(SELECT count(*) FROM pg_stats s WHERE s.tablename = c.relname) AS columns "
            "FROM pg_class c WHERE c.relname = ANY($1)",
            core_tables(),
        )
    finally:
        await connection.close()
    return {
        row["relname"]: (row["relallvisible"], row["reltuples"], row["columns"]) for row in rows
    }


def assert_vacuumed_and_analyzed(database_url: str) -> None:
    state = asyncio.run(table_state(database_url))
    assert len(state) == len(core_tables())
    # Before VACUUM no page is all-visible, and index-only scans (search facets over the link
    # tables) read the table for every row; before ANALYZE reltuples is -1 and pg_stats empty.
    assert all(
        visible > 0 and rows > 0 and columns > 0 for visible, rows, columns in state.values()
    ), state


@only_postgres
def test_demo_leaves_postgres_statistics_and_visibility_map_up_to_date(
    hub: Any, settings: Settings
) -> None:
    assert hub("migrate").exit_code == 0

    assert hub("demo", "--posts", "20").exit_code == 0

    assert_vacuumed_and_analyzed(settings.database_url)


def test_demo_command_asks_for_migrations_first(hub: Any) -> None:
    result = hub("demo")

    assert result.exit_code == 1
    assert "run `hub migrate` first" in result.stderr
