"""The graphql-http audit suite (npm ``graphql-http``, ``serverAudits``) against a live hub.

Every audit must pass, except the warnings listed in ``ALLOWED_WARNINGS`` with their reason
(the README's "GraphQL over HTTP" section lists the same ones). Needs Node and ``npm ci``;
``HUB_TEST_GRAPHQL_HTTP=required`` turns their absence into a failure.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import skip_or_fail
from tests.live_server import LiveServer, live_server

pytestmark = pytest.mark.live

REPO_ROOT = Path(__file__).resolve().parents[1]
AUDIT_SCRIPT = REPO_ROOT / "tests" / "graphql_http_audit.mjs"
AUDIT_PACKAGE = REPO_ROOT / "node_modules" / "graphql-http" / "package.json"
AUDIT_TIMEOUT = 120

#: Audit id -> why the hub does not follow that recommendation. Keep in step with the README.
ALLOWED_WARNINGS: dict[str, str] = {}


@pytest.fixture(scope="module")
def audit_command() -> list[str]:
    """``node tests/graphql_http_audit.mjs``, or a skip (a failure in CI) naming what is missing."""
    node = shutil.which("node")
    if node is None:
        skip_or_fail(
            "graphql_http",
            "Node.js is not installed: the graphql-http audit needs node >= 20 and `npm ci`",
        )
    if not AUDIT_PACKAGE.exists():
        skip_or_fail(
            "graphql_http",
            "the npm package graphql-http is not installed: run `npm ci` (or `make test`)",
        )
    assert node is not None
    return [node, str(AUDIT_SCRIPT)]


@pytest.fixture(scope="module")
def hub_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("live-hub")) as server:
        yield server


def run_audits(command: list[str], server: LiveServer) -> list[dict[str, Any]]:
    completed = subprocess.run(
        [*command, server.graphql_url],
        capture_output=True,
        text=True,
        timeout=AUDIT_TIMEOUT,
        check=False,
        cwd=REPO_ROOT,
    )
    assert completed.returncode == 0, completed.stderr
    results: list[dict[str, Any]] = json.loads(completed.stdout)
    return results


def test_hub_passes_the_graphql_over_http_audit(
    audit_command: list[str], hub_server: LiveServer
) -> None:
    results = run_audits(audit_command, hub_server)

    assert len(results) >= 50, "the audit suite ran suspiciously few audits"
    assert {result["status"] for result in results} <= {"ok", "notice", "warn", "error"}
    errors = [f"{r['id']} {r['name']}: {r['reason']}" for r in results if r["status"] == "error"]
    assert errors == [], "\n".join(errors) + f"\nserver log:\n{hub_server.log()}"
    warnings = {r["id"]: f"{r['name']}: {r['reason']}" for r in results if r["status"] != "ok"}
    unexpected = {id_: text for id_, text in warnings.items() if id_ not in ALLOWED_WARNINGS}
    assert unexpected == {}, "warnings missing from ALLOWED_WARNINGS (and the README)"
    stale = set(ALLOWED_WARNINGS) - set(warnings)
    assert stale == set(), "ALLOWED_WARNINGS lists audits that now pass: remove them"
