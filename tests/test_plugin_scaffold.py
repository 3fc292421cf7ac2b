"""`hub plugin new` writes a plugin that installs, is discovered, and passes its own tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hub.scaffold import ScaffoldError, write_plugin

HUB = [sys.executable, "-m", "hub"]


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=300
    )


def test_a_new_plugin_installs_and_extends_the_hub(tmp_path: Path) -> None:
    env = {**os.environ, "HUB_DATA_DIR": str(tmp_path / "data")}
    env.pop("PYTHONPATH", None)
    created = run([*HUB, "plugin", "new", "greetings", "--dir", str(tmp_path)], tmp_path, env)
    assert created.returncode == 0, created.stderr
    package = tmp_path / "hub-greetings"
    assert (package / "pyproject.toml").is_file()

    # Installed beside (not into) the shared environment, so other tests never see it.
    site = tmp_path / "site"
    installed = run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(site), str(package)],
        tmp_path, env,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    env["PYTHONPATH"] = str(site)

    listed = run([*HUB, "plugins", "--json"], tmp_path, env)
    assert listed.returncode == 0, listed.stderr
    greetings = next(item for item in json.loads(listed.stdout) if item["name"] == "greetings")
    assert greetings["version"] == "0.1.0"
    assert greetings["fields"] == ["Section.greetingsText"]
    assert greetings["routes"] == ["/greetings/hello"]
    assert greetings["models"] == ["greetings: hub_greetings.models"]
    assert greetings["settings"] == ["HUB_GREETINGS_GREETING"]

    sdl = run([*HUB, "schema", "export"], tmp_path, env)
    assert "greetingsText: String" in sdl.stdout

    migrated = run([*HUB, "migrate"], tmp_path, env)
    assert migrated.returncode == 0, migrated.stderr
    assert "greetings.0001_initial" in migrated.stdout
    in_sync = run([*HUB, "makemigrations", "greetings"], tmp_path, env)
    assert "No changes" in in_sync.stdout, in_sync.stdout + in_sync.stderr

    tested = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(package / "tests")],
        package, env,
    )  # fmt: skip
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "3 passed" in tested.stdout


@pytest.mark.parametrize("name", ["Greetings", "1st", "with-hyphen", "x", ""])
def test_bad_plugin_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ScaffoldError, match="is not a plugin name"):
        write_plugin(name, tmp_path)


def test_an_existing_folder_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "hub-greetings").mkdir()
    with pytest.raises(ScaffoldError, match="already exists"):
        write_plugin("greetings", tmp_path)
