"""The first-party plugins' commands, run as a user runs them: settings from the environment,
plugins from their entry points, output and exit codes as a shell sees them.

Every one reads the hub's settings and opens the hub's database through the public API
(``hub.run_in_database``): the same engine as the server (SQLite's busy timeout included), the
migrations checked first, and a problem is one line. The long walk through every command runs
the same CLI in this process (a ``hub`` process spends seconds importing before its first
line); the failures run the real executable in a subprocess.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_HOST, POSTGRES_PORT, postgres_reachable, skip_or_fail
from tests.live_server import HUB_CLI, hub_environment, hub_in_this_process
from tests.test_cli_failures import one_line_error
from tests.test_sqlite_writers import write_lock_held

TIMEOUT = 120
Hub = Callable[..., subprocess.CompletedProcess[str]]


def hub_in(data_dir: Path, settings: dict[str, str] | None = None) -> Hub:
    """``hub ARGS`` as a subprocess, with only these HUB_ settings."""
    env = hub_environment(data_dir, {"COLUMNS": "250", **(settings or {})})

    def hub(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*HUB_CLI, *args], env=env, input=stdin, capture_output=True, text=True,
            timeout=TIMEOUT, check=False,
        )  # fmt: skip

    return hub


def hub_here(data_dir: Path, settings: dict[str, str] | None = None) -> Hub:
    """``hub ARGS`` in this process, with the environment a subprocess of ``hub_in`` gets."""
    env = hub_environment(data_dir, {"COLUMNS": "250", **(settings or {})})

    def hub(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return hub_in_this_process(env, *args, stdin=stdin)

    return hub


def succeeded(completed: subprocess.CompletedProcess[str]) -> str:
    """Everything the command printed, once it is known to have succeeded."""
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    return output


def test_every_plugin_command_works_on_the_hubs_database(database_url: str, tmp_path: Path) -> None:
    hub = hub_here(tmp_path, {"HUB_DATABASE_URL": database_url})
    succeeded(hub("migrate"))

    # Core: accounts and tokens (partner policies are about partner accounts' tokens).
    succeeded(
        hub("users", "create", "--email", "p@example.org", "--role", "partner",
            "--password-stdin", stdin="correct horse battery\n")
    )  # fmt: skip
    issued = hub("tokens", "create", "--user", "p@example.org", "--scopes", "content:read-drafts")
    succeeded(issued)
    token = issued.stdout.strip()
    prefix = token[:12]

    # delivery: `hub partners` and `hub queries`.
    saved = succeeded(hub("partners", "set", prefix, "--rate", "600/min", "--max-cost", "800"))
    assert f"Saved the policy of {prefix}...; running servers apply it within" in saved
    listed = succeeded(hub("partners", "list"))
    assert f"{prefix}..." in listed
    assert "600/min" in listed
    assert "p@example.org" in listed
    refused = one_line_error(hub("partners", "set", "hub_nothing1", "--rate", "1/s"))
    assert refused == "error: no live token has the prefix 'hub_nothing1' (see `hub tokens list`)"
    removed = succeeded(hub("partners", "remove", prefix))
    assert f"Removed the policy of {prefix}...; it now has the defaults." in removed

    document = tmp_path / "themes.graphql"
    document.write_text("query Themes { themes { slug } }", encoding="utf-8")
    registered = succeeded(hub("queries", "register", str(document)))
    sha256 = registered.split()[0]
    assert len(sha256) == 64
    assert "Themes  registered" in registered
    assert sha256[:20] in succeeded(hub("queries", "list"))

    # webhooks
    added = succeeded(hub("webhooks", "add", "https://example.org/hook", "--events", "post.*"))
    assert "Subscriber 1: https://example.org/hook receives post.*" in added
    assert "https://example.org/hook" in succeeded(hub("webhooks", "list"))
    assert "subscriber" in succeeded(hub("webhooks", "deliveries"))
    assert "Removed subscriber 1." in succeeded(hub("webhooks", "remove", "1"))
    assert one_line_error(hub("webhooks", "remove", "1")) == "error: no subscriber has the id 1"

    # donations and search
    exported = hub("donations", "export")
    assert exported.stdout.startswith("reference,campaign,provider,status,amount")
    assert "Exported 0 donation(s)." in succeeded(exported)
    assert one_line_error(hub("donations", "export", "--campaign", "nope")) == (
        "error: no campaign has the slug 'nope'"
    )
    assert "Indexed " in succeeded(hub("search", "reindex"))

    # And the token can be revoked again, by the same prefix.
    assert f"Revoked {prefix}..." in succeeded(hub("tokens", "revoke", prefix))


@pytest.mark.parametrize(
    "command",
    [
        ["webhooks", "list"],
        ["search", "reindex"],
    ],
)
def test_a_plugin_command_on_a_database_never_migrated_says_run_hub_migrate(
    tmp_path: Path, command: list[str]
) -> None:
    line = one_line_error(hub_in(tmp_path)(*command))
    assert line.startswith("error: the database is missing ")
    assert line.endswith("; run `hub migrate` first")


def test_a_plugin_command_on_a_missing_postgres_database_names_it(tmp_path: Path) -> None:
    if not postgres_reachable():
        skip_or_fail("postgres", f"PostgreSQL is not reachable on {POSTGRES_HOST}:{POSTGRES_PORT}")
    url = f"postgres://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/hub_no_such_database"
    line = one_line_error(hub_in(tmp_path, {"HUB_DATABASE_URL": url})("webhooks", "list"))
    assert 'database "hub_no_such_database" does not exist' in line
    assert "createdb hub_no_such_database" in line


def test_a_plugin_command_waits_for_the_busy_timeout_like_the_server(tmp_path: Path) -> None:
    hub = hub_in(tmp_path, {"HUB_SQLITE_BUSY_TIMEOUT": "0.3"})
    succeeded(hub("migrate"))
    with write_lock_held(tmp_path / "hub.sqlite3", seconds=30):
        line = one_line_error(hub("webhooks", "add", "https://example.org/hook"))
    assert line.startswith("error: the database is busy")
    assert "HUB_SQLITE_BUSY_TIMEOUT" in line
