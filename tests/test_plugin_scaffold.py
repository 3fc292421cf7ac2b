"""`hub plugin new` writes a plugin that installs, is discovered, and passes its own tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hub.scaffold import ScaffoldError, write_plugin
from tests.first_party import ROOT

HUB = [sys.executable, "-m", "hub"]


def run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=300
    )


def test_a_new_plugin_installs_from_wheels_in_a_fresh_environment(tmp_path: Path) -> None:
    """What a third party does: write the plugin, build it, install it next to the hub's own
    wheel in a new virtual environment, and run its tests, ruff and mypy there."""
    uv = ROOT / ".tools" / "bin" / "uv"
    if not uv.exists():
        pytest.skip("uv is not installed (make install puts it in .tools/bin)")
    env = {**os.environ, "HUB_DATA_DIR": str(tmp_path / "data"), "UV_PYTHON_DOWNLOADS": "never"}
    for name in ("PYTHONPATH", "VIRTUAL_ENV", "UV_PROJECT_ENVIRONMENT"):
        env.pop(name, None)
    created = run([*HUB, "plugin", "new", "greetings", "--dir", str(tmp_path)], tmp_path, env)
    assert created.returncode == 0, created.stderr
    package = tmp_path / "hub-greetings"

    dist = tmp_path / "dist"
    for source in (ROOT, package):
        built = run(
            [str(uv), "build", "--wheel", "--quiet", "--out-dir", str(dist), str(source)],
            tmp_path, env,
        )  # fmt: skip
        assert built.returncode == 0, built.stderr
    hub_wheel = next(dist.glob("hub_core-*.whl"))
    plugin_wheel = next(dist.glob("hub_greetings-*.whl"))
    venv = tmp_path / "venv"
    python = str(venv / "bin" / "python")
    made = run([str(uv), "venv", "--quiet", "--python", sys.executable, str(venv)], tmp_path, env)
    assert made.returncode == 0, made.stderr
    installed = run(
        [str(uv), "pip", "install", "--quiet", "--python", python,
         str(hub_wheel), f"{plugin_wheel}[test]"],
        tmp_path, env,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr

    # The plugin's own checks, from its folder, with the tools its test extra installed.
    for command in (
        ["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        ["-m", "ruff", "check", "--no-cache", "."],
        ["-m", "ruff", "format", "--check", "--no-cache", "."],
        ["-m", "mypy", "--no-incremental"],
    ):
        checked = run([python, *command], package, env)
        assert checked.returncode == 0, f"{command}: {checked.stdout}{checked.stderr}"
        if "pytest" in command:
            assert "4 passed" in checked.stdout, checked.stdout

    listed = run([python, "-m", "hub", "plugins", "greetings", "--json"], tmp_path, env)
    assert listed.returncode == 0, listed.stderr
    [greetings] = json.loads(listed.stdout)
    assert greetings["version"] == "0.1.0"
    assert greetings["hub_versions"] == "<0.2,>=0.1"
    assert greetings["fields"] == ["Section.greetingsText"]
    assert greetings["routes"] == ["/greetings/hello"]
    assert greetings["models"] == ["greetings: hub_greetings.models"]
    assert greetings["settings"] == ["HUB_GREETINGS_GREETING"]

    migrated = run([python, "-m", "hub", "migrate"], tmp_path, env)
    assert migrated.returncode == 0, migrated.stderr
    assert "greetings.0001_initial" in migrated.stdout
    reported = run([python, "-m", "hub", "greetings-report"], tmp_path, env)
    assert reported.stdout == "0 section(s) have a greetings text\n", reported.stderr
    in_sync = run([python, "-m", "hub", "makemigrations", "--check"], tmp_path, env)
    assert in_sync.returncode == 0, in_sync.stdout + in_sync.stderr


def test_the_name_of_an_installed_plugin_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ScaffoldError, match=r"A plugin named 'search' .* is installed already"):
        write_plugin("search", tmp_path)
    assert not (tmp_path / "hub-search").exists()


@pytest.mark.parametrize("name", ["Greetings", "1st", "with-hyphen", "x", ""])
def test_bad_plugin_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ScaffoldError, match="is not a plugin name"):
        write_plugin(name, tmp_path)


def test_an_existing_folder_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "hub-greetings").mkdir()
    with pytest.raises(ScaffoldError, match="already exists"):
        write_plugin("greetings", tmp_path)
