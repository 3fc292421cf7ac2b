"""Start-up and the CLI fail in one line: the problem and the fix, a non-zero exit, no traceback.

Each case runs the real ``hub`` command in a subprocess, with an environment of its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_HOST, POSTGRES_PORT, postgres_reachable, skip_or_fail
from tests.live_server import HOST, HUB_CLI, free_port, hub_environment

#: A command that does not stop in time would have started serving: that is a failure too.
TIMEOUT = 120
MISSING_DATABASE = f"postgres://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/hub_no_such_database"


def hub(
    *args: str,
    data_dir: Path,
    settings: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*HUB_CLI, *args],
        env=hub_environment(data_dir, settings),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def serve() -> list[str]:
    return ["serve", "--host", HOST, "--port", str(free_port())]


def one_line_error(completed: subprocess.CompletedProcess[str]) -> str:
    """The command's only output line, once it is known to be a failure without a traceback."""
    assert completed.returncode != 0, completed.stdout + completed.stderr
    assert "Traceback" not in completed.stderr
    lines = (completed.stdout + completed.stderr).strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture
def missing_postgres_database() -> str:
    if not postgres_reachable():
        skip_or_fail("postgres", f"PostgreSQL is not reachable on {POSTGRES_HOST}:{POSTGRES_PORT}")
    return MISSING_DATABASE


@pytest.mark.parametrize("command", [["migrate"], ["serve"], ["export"]])
def test_a_missing_postgres_database_is_named_with_how_to_create_it(
    tmp_path: Path, missing_postgres_database: str, command: list[str]
) -> None:
    args = serve() if command == ["serve"] else command
    completed = hub(*args, data_dir=tmp_path, settings={"HUB_DATABASE_URL": MISSING_DATABASE})
    line = one_line_error(completed)
    assert 'database "hub_no_such_database" does not exist' in line
    assert "createdb hub_no_such_database" in line
    assert "HUB_DATABASE_URL" in line


def test_a_password_in_the_database_url_is_not_shown(
    tmp_path: Path, missing_postgres_database: str
) -> None:
    url = MISSING_DATABASE.replace("postgres@", "postgres:s3cret@")
    completed = hub("migrate", data_dir=tmp_path, settings={"HUB_DATABASE_URL": url})
    line = one_line_error(completed)
    assert "s3cret" not in line
    assert "postgres:***@" in line


@pytest.mark.parametrize("command", [["migrate"], ["serve"]])
def test_a_data_dir_that_is_a_file_is_named(tmp_path: Path, command: list[str]) -> None:
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("a file, not a folder")
    args = serve() if command == ["serve"] else command
    line = one_line_error(hub(*args, data_dir=not_a_folder))
    assert line.startswith(f"error: HUB_DATA_DIR: cannot use {not_a_folder} as a folder")
    assert "point HUB_DATA_DIR at a folder this user can write to" in line


def on_a_read_only_mount(folder: Path, command: list[str]) -> list[str]:
    """``command``, run where ``folder`` cannot be written to, even by root.

    Root may write to any folder whatever its mode, so as root the folder is bind-mounted
    read-only in a mount namespace of the command's own (util-linux's unshare): a read-only
    file system stops root too, and nothing outside the command sees the mount.
    """
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return command
    if shutil.which("unshare") is None:
        pytest.fail("the tests run as root and unshare (util-linux) is missing")
    mount = f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder} {folder}"
    return ["unshare", "--mount", "sh", "-c", f'{mount} && exec "$@"', "sh", *command]


def test_a_data_dir_that_is_not_writable_is_named(tmp_path: Path) -> None:
    read_only = tmp_path / "data"
    read_only.mkdir()
    try:
        completed = subprocess.run(
            on_a_read_only_mount(read_only, [*HUB_CLI, "migrate"]),
            env=hub_environment(read_only, None),
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    finally:
        read_only.chmod(0o755)
    line = one_line_error(completed)
    assert line == (
        f"error: HUB_DATA_DIR: the folder {read_only} is not writable; "
        "point HUB_DATA_DIR at a folder this user can write to"
    )


def test_plugin_docs_outside_the_repository_says_where_to_run_it(tmp_path: Path) -> None:
    line = one_line_error(hub("plugin", "docs", data_dir=tmp_path, cwd=tmp_path))
    assert line.startswith("error: docs/plugins.md does not exist")
    assert "root of the hub's repository" in line
    assert "--path" in line


@pytest.mark.parametrize("command", [["serve"], ["plugins"]])
def test_disabling_a_plugin_that_does_not_exist_stops_start_up(
    tmp_path: Path, command: list[str]
) -> None:
    args = serve() if command == ["serve"] else command
    settings = {"HUB_PLUGINS_DISABLED": "search,nosuchplugin"}
    line = one_line_error(hub(*args, data_dir=tmp_path, settings=settings))
    assert line.startswith(
        "error: HUB_PLUGINS_DISABLED names 'nosuchplugin', which is not a plugin"
    )
    assert "search" in line  # listed among the plugins there are


@pytest.mark.parametrize(
    ("origin", "explained"),
    [
        ("notanorigin", "is not an origin"),
        ("https://example.org/", "is not an origin"),
        ("https://Example.org:443", "use 'https://example.org'"),
    ],
)
def test_a_cors_origin_browsers_never_send_stops_start_up(
    tmp_path: Path, origin: str, explained: str
) -> None:
    settings = {"HUB_CORS_ORIGINS": f"https://ok.example,{origin}"}
    line = one_line_error(hub(*serve(), data_dir=tmp_path, settings=settings))
    assert line.startswith("error: HUB_CORS_ORIGINS=")
    assert explained in line


def test_registering_an_operation_that_does_not_validate_names_it_and_the_error(
    tmp_path: Path,
) -> None:
    document = tmp_path / "front-page.graphql"
    document.write_text(
        "query FrontPage { posts(first: 3) { edges { node { title } } } }\n"
        "query Broken { posts(first: 3) { edges { node { headline } } } }\n"
    )
    line = one_line_error(hub("queries", "register", str(document), data_dir=tmp_path))
    assert line == (
        f"error: {document} does not validate against the schema: "
        "operation Broken: Cannot query field 'headline' on type 'Post'."
    )
