"""`hub media add FILE...`: many images at once, each bad one named with its reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import hub_media.plugin
import pytest
from typer.testing import CliRunner

from hub.cli import build_cli
from hub.plugins import get_plugin_manager
from tests.media_support import file_server, image_bytes


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    original = get_plugin_manager

    def with_media(**kwargs: Any) -> Any:
        return original(load_entry_points=False, extra_plugins=[hub_media.plugin], **kwargs)

    monkeypatch.setattr("hub.cli.get_plugin_manager", with_media)
    monkeypatch.setenv("HUB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HUB_DATABASE_URL", f"sqlite://{tmp_path / 'hub.sqlite3'}")
    runner = CliRunner()

    def run(*args: str) -> Any:
        return runner.invoke(build_cli(), list(args))

    assert run("migrate").exit_code == 0
    return run


def test_many_images_are_added_and_bad_ones_named(hub: Any, tmp_path: Path) -> None:
    first, second, notes = tmp_path / "a.jpg", tmp_path / "b.png", tmp_path / "notes.jpg"
    first.write_bytes(image_bytes(300, 200))
    second.write_bytes(image_bytes(200, 300, "PNG"))
    notes.write_text("not a picture")
    result = hub("media", "add", str(first), str(second), str(notes), "--credit", "WILPF")
    assert result.exit_code == 1
    assert "Added 2 image(s) (ids: 1, 2)." in result.output
    assert "notes.jpg: The file is not an image in an accepted format" in result.output
    assert "1 of 3 file(s) were refused." in result.output
    assert len(list((tmp_path / "media" / "originals").iterdir())) == 2


def test_a_missing_file_is_named(hub: Any, tmp_path: Path) -> None:
    result = hub("media", "add", str(tmp_path / "gone.jpg"))
    assert result.exit_code == 1
    assert "gone.jpg: No such file or directory" in result.output


def test_import_photos_reports_what_could_not_be_fetched(hub: Any, tmp_path: Path) -> None:
    files = {"/ada.jpg": ("image/jpeg", image_bytes(300, 400))}
    with file_server(files) as origin:
        people = [
            {"slug": "ada", "name": "Ada", "photo_url": f"{origin}/ada.jpg"},
            {"slug": "bob", "name": "Bob", "photo_url": f"{origin}/bob.jpg"},
        ]
        content = tmp_path / "people.json"
        content.write_text(json.dumps({"version": 1, "people": people}))
        assert hub("import", str(content)).exit_code == 0
        result = hub("media", "import-photos", "--timeout", "5")
    assert result.exit_code == 1
    assert f"not fetched bob ({origin}/bob.jpg): the server answered HTTP 404" in result.output
    assert "Imported 1 photo(s); 1 could not be fetched." in result.output
    assert "1 photo URL(s) could not be fetched" in result.output
