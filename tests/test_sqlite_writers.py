"""Several processes writing one SQLite file: writers wait their turn, and say so when they can't.

Two real processes each time: a served hub (uvicorn in a subprocess) taking ``createTheme``
mutations while ``hub import`` writes thousands of posts in another, or while a plain sqlite3
connection in a third process holds the write lock longer than ``HUB_SQLITE_BUSY_TIMEOUT``.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from tests.live_server import HUB_CLI, LiveServer, hub_environment, live_server

pytestmark = pytest.mark.live

IMPORTED_POSTS = 3000
MUTATIONS = 60
CREATE_THEME = """mutation($input: CreateThemeInput!) {
  createTheme(input: $input) { theme { slug } errors { message } }
}"""
PASSWORD = "a long enough password for tests"


def import_document(posts: int) -> bytes:
    body = "<p>" + "Women's peace work, " * 40 + "</p>"
    return orjson.dumps(
        {
            "version": 1,
            "people": [{"slug": "ada", "name": "Ada"}],
            "themes": [{"slug": "peace", "name": "Peace"}],
            "posts": [
                {"slug": f"imported-{number}", "title": f"Imported {number}", "body": body,
                 "status": "published", "published_at": "2024-05-01T10:00:00Z",
                 "authors": ["ada"], "themes": ["peace"]}
                for number in range(posts)
            ],
        }
    )  # fmt: skip


def editor_token(env: dict[str, str]) -> str:
    def hub(*args: str, stdin: str = "") -> str:
        completed = subprocess.run(
            [*HUB_CLI, *args], env=env, input=stdin, capture_output=True, text=True, timeout=60
        )
        assert completed.returncode == 0, completed.stderr
        return completed.stdout

    hub("users", "create", "--email", "ed@example.org", "--role", "editor", "--password-stdin",
        stdin=PASSWORD + "\n")  # fmt: skip
    return hub("tokens", "create", "--user", "ed@example.org", "--scopes", "content:write").strip()


def create_theme(http: httpx.Client, number: int) -> dict[str, Any]:
    variables = {"input": {"slug": f"theme-{number}", "name": f"Theme {number}"}}
    response = http.post("/graphql", json={"query": CREATE_THEME, "variables": variables})
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


@contextmanager
def editor_client(server: LiveServer, env: dict[str, str]) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {editor_token(env)}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=60) as http:
        yield http


def test_mutations_wait_for_an_import_running_in_another_process(tmp_path: Path) -> None:
    with live_server(tmp_path) as server:
        env = hub_environment(tmp_path)
        with editor_client(server, env) as http:
            content = tmp_path / "content.json"
            content.write_bytes(import_document(IMPORTED_POSTS))
            importing = subprocess.Popen(
                [*HUB_CLI, "import", str(content)], env=env, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True,
            )  # fmt: skip
            try:
                answers = []
                # At least MUTATIONS, and for as long as the import runs.
                while importing.poll() is None or len(answers) < MUTATIONS:
                    answers.append(create_theme(http, len(answers)))
                    time.sleep(0.02)
                _, import_errors = importing.communicate(timeout=120)
            finally:
                importing.kill()
                importing.wait()
        failed = [answer for answer in answers if "errors" in answer]
        assert failed == [], f"{len(failed)} of {len(answers)} mutations failed: {failed[:3]}"
        assert importing.returncode == 0, import_errors
        assert f"posts: {IMPORTED_POSTS} new" in import_errors
        assert "database is locked" not in server.log()


@contextmanager
def write_lock_held(database: Path, seconds: float) -> Iterator[None]:
    """Another process that takes SQLite's write lock and keeps it for ``seconds``."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time\n"
         "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
         "db.execute('BEGIN IMMEDIATE')\n"
         "print('locked', flush=True)\n"
         "time.sleep(float(sys.argv[2]))\n"
         "db.execute('ROLLBACK')\n",
         str(database), str(seconds)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        yield
    finally:
        holder.kill()
        holder.wait()


def test_a_write_waiting_longer_than_the_busy_timeout_is_asked_to_retry(tmp_path: Path) -> None:
    settings = {"HUB_SQLITE_BUSY_TIMEOUT": "0.3"}
    with live_server(tmp_path, settings) as server:
        env = hub_environment(tmp_path, settings)
        with editor_client(server, env) as http:
            content = tmp_path / "content.json"
            content.write_bytes(import_document(3))
            with write_lock_held(tmp_path / "hub.sqlite3", seconds=30):
                started = time.monotonic()
                answer = create_theme(http, 1)
                waited = time.monotonic() - started
                imported = subprocess.run(
                    [*HUB_CLI, "import", str(content)], env=env, capture_output=True, text=True,
                    timeout=60,
                )  # fmt: skip
            [error] = answer["errors"]
            assert error["extensions"] == {"code": "DATABASE_BUSY", "retryable": True}
            assert "HUB_SQLITE_BUSY_TIMEOUT" in error["message"]
            assert "try again" in error["message"]
            assert 0.3 <= waited < 10
            assert imported.returncode == 1
            assert "Traceback" not in imported.stderr
            # The progress of the checks it made before writing, then one line.
            [line] = [line for line in imported.stderr.splitlines() if "error" in line]
            assert line.startswith("error: the database is busy")
            assert imported.stderr.strip().endswith(line)
            assert "HUB_SQLITE_BUSY_TIMEOUT" in line
            # Once the other process lets go, the same server writes again.
            assert create_theme(http, 2)["data"]["createTheme"]["theme"] == {"slug": "theme-2"}
        assert "Traceback" not in server.log()
