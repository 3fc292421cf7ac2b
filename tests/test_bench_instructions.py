"""The benchmark counts instructions per request: start-up left out, each server on its own."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

from bench import instructions
from bench.data import hub_environment
from tests.conftest import skip_or_fail
from tests.test_bench_baseline import seed

CACHEGRIND_SUMMARY = """==4242== Cachegrind, a high-precision tracing profiler
==4242== Command: python -m bench.instructions drive hub 220
==4242==
==4242== I   refs:      2,431,907,123
"""


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite://{tmp_path / 'hub.sqlite3'}"


@pytest.fixture
async def data_dir(app: Starlette, settings: Any) -> Path:
    """The data directory of a hub whose database holds the front page of :func:`seed`."""
    await seed()
    return Path(settings.data_dir)


def test_the_total_is_read_from_cachegrinds_summary() -> None:
    assert instructions.total_instructions(CACHEGRIND_SUMMARY) == 2_431_907_123
    with pytest.raises(instructions.CountFailed, match="no instruction count"):
        instructions.total_instructions("==1== valgrind: the 'impossible' happened")


def test_a_count_per_request_leaves_start_up_and_warm_up_out(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    totals = {instructions.FEW: 900_000_000, instructions.MANY: 2_900_000_000}
    monkeypatch.setattr(
        instructions, "_counted", lambda _server, requests, _env, _operation: totals[requests]
    )
    assert instructions.per_request("hub", {}) == 10_000_000


def test_without_valgrind_the_count_is_skipped_and_says_why(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(instructions, "valgrind", lambda: None)
    assert instructions.count({}, ("hub", "sqlite3")) == {
        "skipped": "valgrind is not installed (bench/install-tools.sh installs it)"
    }


def driver(*arguments: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench.instructions", *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("server", "operation"),
    [
        ("hub", "front_page"),
        ("hub", "typename"),
        ("sqlite3", "front_page"),
        ("sqlite3-json", "front_page"),
        ("aiosqlite", "front_page"),
    ],
)
async def test_the_driven_process_answers_and_ends(
    data_dir: Path, server: str, operation: str
) -> None:
    environment = hub_environment(data_dir, {"PYTHONPATH": str(instructions.REPOSITORY)})
    completed = await asyncio.to_thread(driver, "drive", server, "3", operation, env=environment)
    assert completed.returncode == 0, completed.stderr


@pytest.mark.parametrize(
    "arguments",
    [("drive", "nginx", "3"), ("drive", "hub", "many"), ("drive", "hub", "3", "mutation")],
)
def test_the_driven_process_refuses_unknown_arguments(arguments: tuple[str, ...]) -> None:
    completed = driver(*arguments)
    assert completed.returncode == 2
    assert (
        "usage: python -m bench.instructions drive hub|sqlite3|sqlite3-json|aiosqlite|asyncpg "
        "REQUESTS [front_page|typename]"
    ) in completed.stderr


async def test_valgrind_counts_what_one_front_page_costs_the_fastest_server(data_dir: Path) -> None:
    if instructions.valgrind() is None:
        skip_or_fail("valgrind", "valgrind is not installed: run `sh bench/install-tools.sh`")
    counted = instructions.per_request("sqlite3", hub_environment(data_dir))
    # Its start-up alone is hundreds of millions: a figure this size is a request's own work.
    assert 200_000 < counted < 20_000_000
