"""``hub import`` and ``hub export``: one format, checked whole, written all-or-nothing."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from tortoise.backends.base.executor import EXECUTOR_CACHE
from typer.testing import CliRunner, Result

from hub import ContentEvent, EventKind
from hub.cli import build_cli
from hub.content import import_writing, transfer
from hub.content.models import Person, Post, PostAuthor, PostSection, PostTheme, Section, Theme
from hub.content.registry import ContentTypes
from hub.content.transfer import InvalidContent, dump_json, export_content, import_content
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from tests.conftest import GraphQLClient, only_postgres
from tests.plugin_helpers import make_plugin
from tests.test_demo import assert_vacuumed_and_analyzed

received: list[ContentEvent] = []


def record_event(event: ContentEvent) -> None:
    received.append(event)


@pytest.fixture
def extra_plugins() -> list[object]:
    received.clear()
    return [make_plugin("event_recorder", content_event=record_event)]


def valid_document() -> dict[str, Any]:
    return {
        "version": 1,
        "sections": [
            {"slug": "wilpf-kenya", "name": "WILPF Kenya", "country_code": "KE",
             "founded_year": 1990, "website": "https://wilpf.example/kenya"},
        ],
        "people": [
            {"slug": "amina-abdi", "name": "Amina Abdi", "role": "President",
             "section": "wilpf-kenya", "board_order": 1},
            {"slug": "ben-osei", "name": "Ben Osei"},
        ],
        "themes": [{"slug": "disarmament", "name": "Disarmament", "description": "Fewer arms."}],
        "posts": [
            {
                "slug": "peace-talks",
                "title": "Peace talks",
                "excerpt": "Women at the table.",
                "body": '<p onclick="steal()">Hello<script>alert(1)</script></p>',
                "status": "published",
                "published_at": "2020-05-01T10:00:00+02:00",
                "language": "en",
                "authors": ["ben-osei", "amina-abdi"],
                "themes": ["disarmament"],
                "sections": ["wilpf-kenya"],
            },
            {"slug": "a-draft", "title": "Not yet", "status": "draft"},
        ],
    }  # fmt: skip


def pm_of(app: Starlette) -> Any:
    return app.state.hub.plugin_manager


def types_of(app: Starlette) -> ContentTypes:
    return app.state.hub.content_types


async def row_counts() -> dict[str, int]:
    models = (Section, Person, Theme, Post, PostAuthor, PostTheme, PostSection)
    return {model.__name__: await model.all().count() for model in models}


async def test_imported_content_is_served_by_the_api(app: Starlette, gql: GraphQLClient) -> None:
    report = await import_content(pm_of(app), valid_document())
    assert report.created == {"sections": 1, "themes": 1, "people": 2, "posts": 2}

    data = await gql.data(
        '{ post(slug: "peace-talks") { title excerpt body publishedAt language'
        " authors { slug name } themes { slug } sections { slug countryCode } } }"
    )
    assert data["post"] == {
        "title": "Peace talks",
        "excerpt": "Women at the table.",
        "body": "<p>Hello</p>",  # sanitised on the way in
        "publishedAt": "2020-05-01T08:00:00+00:00",
        "language": "en",
        "authors": [
            {"slug": "ben-osei", "name": "Ben Osei"},
            {"slug": "amina-abdi", "name": "Amina Abdi"},
        ],
        "themes": [{"slug": "disarmament"}],
        "sections": [{"slug": "wilpf-kenya", "countryCode": "KE"}],
    }
    person = await gql.data('{ person(slug: "amina-abdi") { role section { name } } }')
    assert person["person"] == {"role": "President", "section": {"name": "WILPF Kenya"}}
    drafts = await gql.data('{ post(slug: "a-draft") { title } }')
    assert drafts["post"] is None  # imported, but drafts stay hidden from anonymous readers


async def test_importing_the_same_file_twice_changes_nothing(app: Starlette) -> None:
    await import_content(pm_of(app), valid_document())
    first_export = dump_json(await export_content(types_of(app)))
    stamps = await Post.all().order_by("slug").values_list("slug", "updated_at")
    received.clear()

    again = await import_content(pm_of(app), valid_document())

    assert again.created == dict.fromkeys(("sections", "people", "themes", "posts"), 0)
    assert again.updated == dict.fromkeys(("sections", "people", "themes", "posts"), 0)
    assert again.unchanged == {"sections": 1, "themes": 1, "people": 2, "posts": 2}
    assert again.announced == 0
    assert received == []
    assert dump_json(await export_content(types_of(app))) == first_export
    assert await Post.all().order_by("slug").values_list("slug", "updated_at") == stamps


async def test_changes_are_applied_by_slug_and_told_to_plugins(app: Starlette) -> None:
    await import_content(pm_of(app), valid_document())
    assert {(e.kind, e.slug) for e in received} == {
        (EventKind.SECTION_CHANGED, "wilpf-kenya"),
        (EventKind.THEME_CHANGED, "disarmament"),
        (EventKind.PERSON_CHANGED, "amina-abdi"),
        (EventKind.PERSON_CHANGED, "ben-osei"),
        (EventKind.POST_PUBLISHED, "peace-talks"),
        (EventKind.POST_UPDATED, "a-draft"),
    }
    received.clear()
    changed = valid_document()
    changed["posts"][0]["title"] = "Peace talks resume"
    changed["posts"][0]["authors"] = ["amina-abdi", "ben-osei"]  # credit order matters
    changed["posts"][1].update(status="published", published_at="2021-01-01T00:00:00Z")

    report = await import_content(pm_of(app), changed)

    assert report.updated["posts"] == 2
    assert report.unchanged["people"] == 2
    peace_talks = await Post.get(slug="peace-talks")
    assert [event.kind for event in received] == [EventKind.POST_UPDATED, EventKind.POST_PUBLISHED]
    assert received[0] == ContentEvent(
        EventKind.POST_UPDATED,
        "Post",
        peace_talks.id,
        "peace-talks",
        {"title": "Peace talks resume", "authors": ["amina-abdi", "ben-osei"]},
        public_id=str(peace_talks.public_id),
    )
    authors: list[Any] = (
        await PostAuthor.filter(post=peace_talks)
        .order_by("position")
        .values_list("person__slug", flat=True)
    )
    assert authors == ["amina-abdi", "ben-osei"]


async def test_every_problem_is_reported_with_its_record_and_field(app: Starlette) -> None:
    document = valid_document()
    document["sections"].append({"slug": "nowhere", "name": "Nowhere", "country_code": "XX"})
    document["people"].append({"slug": "no-name", "role": "Treasurer"})
    document["posts"] += [
        {"slug": "foo", "title": "Foo", "language": "xx!!"},
        {"slug": "Bad Slug", "title": "", "status": "live", "colour": "red"},
        {"slug": "peace-talks", "title": "Twice", "status": "published"},
        {"slug": "undated", "title": "Undated", "status": "scheduled",
         "published_at": "2020-01-01 10:00", "authors": "ben-osei"},
    ]  # fmt: skip

    with pytest.raises(InvalidContent) as raised:
        await import_content(pm_of(app), document)

    assert [str(problem) for problem in raised.value.problems] == [
        'sections[1] (slug "nowhere"): field "country_code": \'XX\' is not an ISO 3166-1 '
        "alpha-2 country code (such as 'DE')",
        'people[2] (slug "no-name"): field "name": is required',
        'posts[2] (slug "foo"): field "language": \'xx!!\' is not a BCP 47 language tag '
        "(such as 'en' or 'pt-BR')",
        'posts[3] (slug "Bad Slug"): field "slug": \'Bad Slug\' is not a slug: use lowercase '
        "letters, digits and single hyphens",
        'posts[3] (slug "Bad Slug"): field "title": cannot be blank',
        'posts[3] (slug "Bad Slug"): field "status": \'live\' is not one of draft, published, '
        "scheduled",
        'posts[3] (slug "Bad Slug"): field "colour": is not a field of this record '
        "(see docs/import-format.md)",
        'posts[4] (slug "peace-talks"): field "published_at": is required for a published post',
        'posts[4] (slug "peace-talks"): field "slug": "peace-talks" is used again (first by '
        "posts[0])",
        'posts[5] (slug "undated"): field "published_at": \'2020-01-01 10:00\' has no time zone '
        "(end it with Z or +hh:mm)",
        'posts[5] (slug "undated"): field "authors": must be a list of slugs (strings)',
    ]
    assert await row_counts() == dict.fromkeys(
        ("Section", "Person", "Theme", "Post", "PostAuthor", "PostTheme", "PostSection"), 0
    )


async def test_unknown_references_name_the_record_and_field(app: Starlette) -> None:
    await Person.create(slug="already-here", name="Already Here")
    document = valid_document()
    document["people"][1]["section"] = "atlantis"
    document["posts"][1]["authors"] = ["already-here", "nobody"]
    document["posts"][1]["themes"] = ["disarmament", "unicorns"]

    with pytest.raises(InvalidContent) as raised:
        await import_content(pm_of(app), document)

    assert [str(problem) for problem in raised.value.problems] == [
        'people[1] (slug "ben-osei"): field "section": no section with slug "atlantis" in the '
        "file or the database",
        'posts[1] (slug "a-draft"): field "authors": no person with slug "nobody" in the file '
        "or the database",
        'posts[1] (slug "a-draft"): field "themes": no theme with slug "unicorns" in the file '
        "or the database",
    ]


async def test_a_bad_record_after_good_ones_leaves_the_database_as_it_was(app: Starlette) -> None:
    await import_content(pm_of(app), valid_document())
    before, exported = await row_counts(), dump_json(await export_content(types_of(app)))
    document = valid_document()
    document["sections"].insert(
        0, {"slug": "wilpf-peru", "name": "WILPF Peru", "country_code": "PE"}
    )
    document["posts"][0]["title"] = "Changed title"
    document["posts"].append({"slug": "late-and-wrong", "title": "Late", "language": "??"})

    with pytest.raises(InvalidContent):
        await import_content(pm_of(app), document)

    assert await row_counts() == before
    assert dump_json(await export_content(types_of(app))) == exported


async def test_a_failure_while_writing_rolls_everything_back(
    app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    await import_content(pm_of(app), valid_document())
    before, exported = await row_counts(), dump_json(await export_content(types_of(app)))
    received.clear()
    document = valid_document()
    document["sections"].append({"slug": "wilpf-peru", "name": "WILPF Peru", "country_code": "PE"})
    document["posts"][0]["title"] = "Changed title"
    document["posts"].append({"slug": "new-post", "title": "New", "themes": ["disarmament"]})

    async def broken_links(*args: Any) -> set[str]:  # after sections, people and posts are written
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_writing, "write_links", broken_links)
    with pytest.raises(RuntimeError, match="disk full"):
        await import_content(pm_of(app), document)

    assert await row_counts() == before
    assert dump_json(await export_content(types_of(app))) == exported
    assert received == []  # nothing was committed, so nothing is announced


async def test_export_then_import_then_export_is_byte_identical(app: Starlette) -> None:
    document = valid_document()
    document["posts"][0]["body"] = (
        '<h2>Ünïcode &amp; “quotes”</h2><p><a href="https://wilpf.example">link</a></p>'
    )
    await import_content(pm_of(app), document)
    first = dump_json(await export_content(types_of(app)))
    for model in (Post, Person, Theme, Section):
        await model.all().delete()

    await import_content(pm_of(app), json.loads(first))

    assert dump_json(await export_content(types_of(app))) == first
    exported = json.loads(first)
    assert [post["slug"] for post in exported["posts"]] == ["a-draft", "peace-talks"]
    assert exported["posts"][1]["published_at"] == "2020-05-01T08:00:00Z"
    assert exported["posts"][1]["authors"] == ["ben-osei", "amina-abdi"]


async def test_export_of_an_empty_database_is_an_empty_document(app: Starlette) -> None:
    assert await export_content(types_of(app)) == {
        "version": 1, "sections": [], "people": [], "themes": [], "posts": [],
    }  # fmt: skip


def test_a_file_that_is_not_json_is_one_problem() -> None:
    with pytest.raises(InvalidContent) as raised:
        transfer.parse_json(b'{"posts": [}')
    assert str(raised.value.problems[0]).startswith("file: is not valid JSON:")


async def test_a_document_that_is_not_an_object_is_one_problem(app: Starlette) -> None:
    with pytest.raises(InvalidContent) as raised:
        await import_content(pm_of(app), ["posts"])
    assert [str(problem) for problem in raised.value.problems] == [
        "file: must be a JSON object with sections, people, ..."
    ]


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


def test_import_command_lists_every_problem_and_exits_1(hub: Any, tmp_path: Path) -> None:
    assert hub("migrate").exit_code == 0
    document = copy.deepcopy(valid_document())
    document["posts"][0]["language"] = "xx!!"
    document["posts"][1]["authors"] = ["nobody"]
    bad_file = tmp_path / "bad.json"
    bad_file.write_bytes(dump_json(document))

    result = hub("import", str(bad_file))

    assert result.exit_code == 1
    assert f"error: {bad_file} has 2 problem(s); nothing was imported:" in result.stderr
    assert (
        '  posts[0] (slug "peace-talks"): field "language": \'xx!!\' is not a BCP 47 '
        "language tag (such as 'en' or 'pt-BR')\n"
    ) in result.stderr
    assert (
        '  posts[1] (slug "a-draft"): field "authors": no person with slug "nobody" in the '
        "file or the database\n"
    ) in result.stderr
    assert "Traceback" not in result.output
    assert json.loads(hub("export").stdout)["posts"] == []


def test_import_then_export_through_the_cli(hub: Any, tmp_path: Path) -> None:
    assert hub("migrate").exit_code == 0
    good_file, exported_file = tmp_path / "good.json", tmp_path / "exported.json"
    good_file.write_bytes(dump_json(valid_document()))

    first = hub("import", str(good_file))
    second = hub("import", str(good_file))
    export = hub("export", "--output", str(exported_file))

    assert first.exit_code == 0, first.output
    assert "posts: 2 new, 0 updated, 0 unchanged" in " ".join(first.stderr.split())
    assert "posts: 0 new, 0 updated, 2 unchanged" in " ".join(second.stderr.split())
    assert export.exit_code == 0
    assert exported_file.read_bytes() == hub("export").stdout_bytes
    assert [p["slug"] for p in json.loads(exported_file.read_bytes())["people"]] == [
        "amina-abdi",
        "ben-osei",
    ]


@only_postgres
def test_import_on_postgres_leaves_statistics_and_visibility_map_up_to_date(
    hub: Any, settings: Settings, tmp_path: Path
) -> None:
    assert hub("migrate").exit_code == 0
    good_file = tmp_path / "good.json"
    good_file.write_bytes(dump_json(valid_document()))

    assert hub("import", str(good_file)).exit_code == 0

    assert_vacuumed_and_analyzed(settings.database_url)


@only_postgres
def test_a_vacuum_failing_after_the_import_is_a_warning_not_an_error(
    hub: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert hub("migrate").exit_code == 0
    good_file = tmp_path / "good.json"
    good_file.write_bytes(dump_json(valid_document()))
    monkeypatch.setattr(
        "hub.content.import_console.content_tables", lambda types: ["hub_post", "no_such_table"]
    )

    result = hub("import", str(good_file))

    assert result.exit_code == 0, result.output
    stderr = " ".join(result.stderr.split())
    assert 'warning: the data is written, but `VACUUM (ANALYZE) "hub_post", "no_such_table"`' in (
        stderr
    )
    assert "run it yourself" in stderr
    assert "posts: 2 new" in stderr
    assert "Traceback" not in result.output
    assert len(json.loads(hub("export").stdout)["posts"]) == 2


def test_import_command_asks_for_migrations_first(hub: Any, tmp_path: Path) -> None:
    good_file = tmp_path / "good.json"
    good_file.write_bytes(dump_json(valid_document()))

    result = hub("import", str(good_file))

    assert result.exit_code == 1
    assert re.search(
        r"error: the database is missing \d+ migration\(s\) \([^)]*hub\.0001_initial[^)]*\); "
        r"run `hub migrate` first",
        result.stderr,
    )
    assert "Traceback" not in result.output


async def test_an_import_that_changes_a_row_moves_its_version(app: Starlette) -> None:
    await import_content(pm_of(app), valid_document())
    before = await Post.get(slug="peace-talks")
    await import_content(pm_of(app), valid_document())
    assert (await Post.get(slug="peace-talks")).version == before.version
    changed = valid_document()
    changed["posts"][0]["title"] = "Peace talks resume"
    await import_content(pm_of(app), changed)
    # an editor still holding the old version now gets a conflict instead of overwriting
    assert (await Post.get(slug="peace-talks")).version == before.version + 1


def test_a_file_that_is_not_utf8_is_a_one_line_error_and_writes_nothing(
    hub: Any, tmp_path: Path
) -> None:
    assert hub("migrate").exit_code == 0
    bad_file = tmp_path / "latin1.json"
    bad_file.write_bytes('{"themes": [{"slug": "paix", "name": "Désarmement"}]}'.encode("latin-1"))

    result = hub("import", str(bad_file))

    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {bad_file} is not UTF-8 text: byte 0xe9 at offset ")
    assert line.endswith("nothing was imported.")
    assert "surrogates" not in result.output
    assert "Traceback" not in result.output
    assert json.loads(hub("export").stdout)["themes"] == []


def test_a_file_that_is_not_json_is_a_one_line_error(hub: Any, tmp_path: Path) -> None:
    assert hub("migrate").exit_code == 0
    bad_file = tmp_path / "broken.json"
    bad_file.write_text('{"themes": [', encoding="utf-8")

    result = hub("import", str(bad_file))

    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {bad_file} is not valid JSON: ")
