"""`hub users` and `hub tokens`: accounts and tokens made on the command line work on the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from hub.cli import build_cli
from hub.plugins import get_plugin_manager
from hub.testing import hub_client


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    original = get_plugin_manager

    def core_only(**kwargs: Any) -> Any:
        return original(load_entry_points=False, **kwargs)

    monkeypatch.setattr("hub.cli.get_plugin_manager", core_only)
    monkeypatch.setenv("HUB_DATABASE_URL", f"sqlite://{tmp_path / 'hub.sqlite3'}")
    runner = CliRunner()

    def run(*args: str, stdin: str | None = None) -> Any:
        return runner.invoke(build_cli(), list(args), input=stdin)

    assert run("migrate").exit_code == 0
    return run


def test_accounts_and_tokens_from_the_command_line(hub: Any) -> None:
    created = hub(
        "users", "create", "--email", "Ed@Example.org", "--role", "editor",
        "--password-stdin", stdin="correct horse battery\n",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    assert "Created the editor account ed@example.org." in created.output
    weak = hub("users", "create", "--email", "x@example.org", "--role", "author", stdin="short\n")
    assert weak.exit_code != 0
    assert "a password needs at least 12 characters" in weak.output
    twice = hub(
        "users", "create", "--email", "ed@example.org", "--role", "editor",
        stdin="correct horse battery\n",
    )  # fmt: skip
    assert "an account with the email ed@example.org exists already" in twice.output

    refused = hub("tokens", "create", "--user", "ed@example.org", "--scopes", "audit:read")
    assert refused.exit_code == 1
    assert "the editor role may not hold the scope 'audit:read'" in refused.output
    issued = hub(
        "tokens", "create", "--user", "ed@example.org", "--scopes",
        "content:write,content:read-drafts", "--expires-in", "30d",
    )  # fmt: skip
    assert issued.exit_code == 0, issued.output
    token = issued.stdout.strip().splitlines()[-1]
    assert token.startswith("hub_")
    listed = hub("tokens", "list")
    assert token[:12] in listed.output
    assert token not in listed.output
    assert hub("tokens", "revoke", token[:12]).exit_code == 0
    assert "no live token starts with" in hub("tokens", "revoke", token[:12]).output


async def test_a_token_from_the_command_line_signs_requests_in(tmp_path: Path) -> None:
    from hub.access.models import Role, User
    from hub.access.scopes import scope_catalogue
    from hub.access.tokens import issue_token

    async with hub_client([], tmp_path) as client:
        user = await User.create(email="p@example.org", role=Role.PARTNER, password_hash="-")
        pm = get_plugin_manager(load_entry_points=False)
        issued = await issue_token(user, ["content:read-drafts"], scope_catalogue(pm))
        response = await client.post(
            "/graphql",
            json={"query": "{ viewer { role scopes } }"},
            headers={"authorization": f"Bearer {issued.token}"},
        )
        assert response.json() == {
            "data": {"viewer": {"role": "partner", "scopes": ["content:read-drafts"]}}
        }
        wrong = await client.post(
            "/graphql", json={"query": "{ viewer { role } }"}, headers={"authorization": "Bearer x"}
        )
        assert isinstance(wrong, httpx.Response)
        assert wrong.status_code == 401
