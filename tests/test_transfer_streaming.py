"""``hub import`` and ``hub export`` of every declared type, streamed: a plugin's type goes out
and comes back, an export moves between SQLite and PostgreSQL byte for byte, and an import
killed while writing leaves nothing behind."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from tortoise.backends.base.executor import EXECUTOR_CACHE
from typer.testing import CliRunner, Result

from hub import ContentType, declare
from hub.cli import build_cli
from hub.content.exchange import InvalidContent
from hub.content.models import Person, Section
from hub.content.transfer import (
    dump_json,
    export_content,
    import_content,
    import_file,
    write_export,
)
from hub.models import ModelApp
from hub.plugins import get_plugin_manager
from tests.conftest import only_postgres
from tests.live_server import HUB_CLI, hub_environment, migrate
from tests.plugin_helpers import make_plugin
from tests.sample_books import Book, BookAuthor
from tests.test_sqlite_writers import import_document

BOOK = ContentType(
    "Book",
    Book,
    plural="books",
    fields={
        "slug": declare.slug(),
        "title": declare.short_text(200, required=True),
        "pages": declare.integer(nullable=True, default=None, minimum=1, maximum=10_000),
        "published_at": declare.datetime_field(nullable=True, default=None),
        "section": declare.foreign_key("Section"),
    },
    links={"authors": declare.links("Person", BookAuthor, ordered=True)},
    timestamped=False,
)

books_plugin = make_plugin(
    "books",
    register_models=lambda: [ModelApp("sample", ("tests.sample_books",))],
    register_content_types=lambda: [BOOK],
)


@pytest.fixture
def extra_plugins() -> list[object]:
    return [books_plugin]


#: The books' public ids: an import keeps them, so the export gives them back.
THREE_GUINEAS = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
PEACE_AND_BREAD = "9c5b94b1-35ad-49bb-b118-8e8fc24abf80"


def books_document() -> dict[str, Any]:
    # Books come first: a record may name records further down the file.
    return {
        "books": [
            {"id": THREE_GUINEAS, "slug": "three-guineas", "title": "Three Guineas", "pages": 285,
             "published_at": "1938-06-02T00:00:00+01:00", "section": "wilpf-uk",
             "authors": ["virginia-woolf", "jane-addams"]},
            {"id": PEACE_AND_BREAD, "slug": "peace-and-bread",
             "title": "Peace and Bread in Time of War", "authors": ["jane-addams"]},
        ],
        "sections": [{"slug": "wilpf-uk", "name": "WILPF UK", "country_code": "GB"}],
        "people": [
            {"slug": "jane-addams", "name": "Jane Addams"},
            {"slug": "virginia-woolf", "name": "Virginia Woolf"},
        ],
    }  # fmt: skip


async def test_a_plugins_content_type_is_exported_and_imported_back(app: Starlette) -> None:
    pm, types = app.state.hub.plugin_manager, app.state.hub.content_types

    report = await import_content(pm, books_document())

    assert report.created["books"] == 2
    book = await Book.get(slug="three-guineas")
    assert book.section_id == (await Section.get(slug="wilpf-uk")).id  # type: ignore[attr-defined]
    exported = await export_content(types)
    assert list(exported) == ["version", "sections", "people", "themes", "posts", "books"]
    assert exported["books"] == [
        {"id": PEACE_AND_BREAD, "slug": "peace-and-bread",
         "title": "Peace and Bread in Time of War", "pages": None,
         "published_at": None, "section": None, "authors": ["jane-addams"]},
        {"id": THREE_GUINEAS, "slug": "three-guineas", "title": "Three Guineas", "pages": 285,
         "published_at": "1938-06-01T23:00:00Z", "section": "wilpf-uk",
         "authors": ["virginia-woolf", "jane-addams"]},
    ]  # fmt: skip
    streamed = io.BytesIO()
    await write_export(types, streamed)
    assert streamed.getvalue() == dump_json(exported)

    for model in (Book, Person, Section):
        await model.all().delete()
    again = await import_content(pm, json.loads(streamed.getvalue()))

    assert again.created == {"sections": 1, "people": 2, "themes": 0, "posts": 0, "books": 2}
    assert dump_json(await export_content(types)) == streamed.getvalue()
    changed = books_document()
    changed["books"][0].update(title="Three Guineas (1938)", authors=["jane-addams"])
    third = await import_content(pm, changed)
    assert (third.updated["books"], third.unchanged["books"]) == (1, 1)
    assert await BookAuthor.filter(book__slug="three-guineas").values_list(
        "person__slug", flat=True
    ) == ["jane-addams"]
    assert (await Book.get(slug="three-guineas")).version == 2


async def test_a_plugins_records_are_checked_like_the_cores(app: Starlette) -> None:
    document = books_document()
    document["books"][1].update(pages=0, section="atlantis", authors=["nobody"], colour="red")

    with pytest.raises(InvalidContent) as raised:
        await import_content(app.state.hub.plugin_manager, document)

    assert [str(problem) for problem in raised.value.problems] == [
        'books[1] (slug "peace-and-bread"): field "pages": is 0; it must be from 1 to 10000',
        'books[1] (slug "peace-and-bread"): field "colour": is not a field of this record '
        "(see docs/import-format.md)",
        'books[1] (slug "peace-and-bread"): field "section": no section with slug "atlantis" '
        "in the file or the database",
        'books[1] (slug "peace-and-bread"): field "authors": no person with slug "nobody" in '
        "the file or the database",
    ]
    assert await Book.all().count() == 0
    assert await Person.all().count() == 0


async def test_a_streamed_file_reports_every_problem_of_its_shape(
    app: Starlette, tmp_path: Path
) -> None:
    streamed = tmp_path / "content.json"
    streamed.write_bytes(
        b'{"version": 2, "colours": [1, 2], "posts": {}, "books": [7, {"slug": "x", "title": ""}]}'
    )

    with pytest.raises(InvalidContent) as raised:
        await import_file(app.state.hub.plugin_manager, streamed)

    assert [str(problem) for problem in raised.value.problems] == [
        'file: field "version": version must be 1',
        "file: has an unknown key 'colours'",
        'file: field "posts": must be a list of records',
        "books[0]: must be a JSON object",
        'books[1] (slug "x"): field "title": cannot be blank',
    ]


# --- through the command line, on both backends -----------------------------------------------


def run_hub(monkeypatch: pytest.MonkeyPatch, database_url: str, *args: str) -> Result:
    """``hub ARGS`` in this process, on ``database_url``, with the default plugins only."""
    EXECUTOR_CACHE.clear()  # statements are cached per connection name, not per backend
    monkeypatch.setenv("HUB_DATABASE_URL", database_url)
    result = CliRunner().invoke(build_cli(), list(args))
    assert result.exit_code == 0, result.output
    return result


@only_postgres
def test_an_export_moves_between_sqlite_and_postgres_byte_for_byte(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = get_plugin_manager
    monkeypatch.setattr(
        "hub.cli.get_plugin_manager", lambda **kw: original(load_entry_points=False, **kw)
    )
    monkeypatch.setenv("HUB_DATA_DIR", str(tmp_path))
    sqlite, back = f"sqlite://{tmp_path / 'first.sqlite3'}", f"sqlite://{tmp_path / 'back.sqlite3'}"
    postgres, first, second, third = database_url, *(tmp_path / f"{n}.json" for n in range(3))
    run_hub(monkeypatch, sqlite, "migrate")
    run_hub(monkeypatch, sqlite, "demo", "--posts", "150", "--seed", "4")
    run_hub(monkeypatch, sqlite, "export", "--output", str(first))

    run_hub(monkeypatch, postgres, "migrate")
    run_hub(monkeypatch, postgres, "import", str(first))
    run_hub(monkeypatch, postgres, "export", "--output", str(second))
    run_hub(monkeypatch, back, "migrate")
    run_hub(monkeypatch, back, "import", str(second))
    run_hub(monkeypatch, back, "export", "--output", str(third))

    assert second.read_bytes() == first.read_bytes()
    assert third.read_bytes() == first.read_bytes()
    assert len(json.loads(first.read_bytes())["posts"]) == 151


def test_export_help_says_what_is_not_exported(monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(build_cli(), ["export", "--help"])
    text = " ".join(result.output.replace("│", " ").split())
    assert "Not exported: users, API tokens and the audit log" in text


# --- killed while writing ----------------------------------------------------------------------


def spool_files(pid: int) -> int:
    """How many deleted files ``pid`` holds open: an import's spools (``hub.content.spool``)."""
    held = 0
    for link in Path(f"/proc/{pid}/fd").iterdir():
        try:
            held += os.readlink(link).endswith("(deleted)")
        except OSError:  # closed meanwhile
            continue
    return held


def wait_until_writing(importing: subprocess.Popen[bytes]) -> None:
    """Until the import's transaction holds written posts: reading fills one spool (the posts');
    writing adds the people's and the themes' and, after 500 posts, the content events'."""
    deadline = time.monotonic() + 120
    while importing.poll() is None and time.monotonic() < deadline:
        if spool_files(importing.pid) >= 4:
            return
        time.sleep(0.01)
    raise AssertionError(f"the import never started writing (exit code {importing.poll()})")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc/PID/fd")
def test_an_import_killed_while_writing_leaves_the_database_as_it_was(
    database_url: str, tmp_path: Path
) -> None:
    env = hub_environment(tmp_path, {"HUB_DATABASE_URL": database_url})
    migrate(env)
    content = tmp_path / "content.json"
    content.write_bytes(import_document(3000))

    importing = subprocess.Popen([*HUB_CLI, "import", str(content)], env=env)
    try:
        wait_until_writing(importing)
        importing.send_signal(signal.SIGKILL)
    finally:
        importing.wait(timeout=60)

    def hub(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*HUB_CLI, *args], env=env, capture_output=True, text=True, timeout=300, check=True
        )

    assert importing.returncode == -signal.SIGKILL
    exported = json.loads(hub("export").stdout)
    assert (exported["people"], exported["themes"], exported["posts"]) == ([], [], [])
    small = tmp_path / "small.json"
    small.write_bytes(import_document(3))
    again = hub("import", str(small))  # nothing is left locked or half-written
    assert "posts: 3 new" in " ".join(again.stderr.split())
