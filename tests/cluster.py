"""Several processes of one hub: the CLI in a subprocess, servers in-process or under uvicorn.

For the tests of what crosses processes (content events, purges, persisted queries). Every wait
is bounded; Redis is skipped locally when unreachable and required in CI.
"""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from tortoise.backends.base.executor import EXECUTOR_CACHE

from hub.app import create_app
from hub.plugins import get_plugin_manager, iter_results
from hub.settings import Settings
from tests.conftest import skip_or_fail
from tests.live_server import (
    HOST,
    HUB_CLI,
    MIGRATE_TIMEOUT,
    LiveServer,
    LiveServerError,
    free_port,
    hub_environment,
    hub_in_this_process,
    stop,
)

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
CLI_TIMEOUT = 120.0
#: Several workers start at once, each importing the hub and its plugins: slower than one.
WORKERS_START_TIMEOUT = 90.0


def redis_or_skip() -> str:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1):
            pass
    except OSError:
        skip_or_fail("redis", f"Redis is not reachable on {REDIS_HOST}:{REDIS_PORT}")
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/0"


def run_hub(folder: Path, settings: Mapping[str, str], *args: str) -> str:
    """Run ``hub ARGS`` in a process of its own; its stderr, or LiveServerError with its output."""
    return run_hub_output(folder, settings, *args)[1]


def editor_token(folder: Path, settings: Mapping[str, str]) -> str:
    """A token of a new editor account that may write and publish content (made in this
    process: only the servers that check it need to be others)."""
    account = ("--email", "editor@example.org", "--role", "editor", "--password-stdin")
    set_up(folder, settings, "users", "create", *account, stdin="a long passphrase\n")
    scopes = "content:write,content:publish,content:read-drafts"
    out, _ = set_up(
        folder, settings, "tokens", "create", "--user", "editor@example.org", "--scopes", scopes
    )
    return out.strip().splitlines()[-1]


def set_up(
    folder: Path, settings: Mapping[str, str], *args: str, stdin: str | None = None
) -> tuple[str, str]:
    """``hub ARGS`` run by this process, for what happens before the servers watch (``hub
    migrate``, the first content): its stdout and stderr, or LiveServerError with both."""
    completed = hub_in_this_process(hub_environment(folder, settings), *args, stdin=stdin)
    return _succeeded(completed, args)


def import_before_serving(
    folder: Path, settings: Mapping[str, str], document: Mapping[str, Any]
) -> str:
    """``hub migrate`` and ``hub import`` of ``document``, in this process."""
    set_up(folder, settings, "migrate")
    return import_here(folder, settings, document)


def import_here(folder: Path, settings: Mapping[str, str], document: Mapping[str, Any]) -> str:
    """``hub import`` of ``document`` in this process, before the servers start."""
    return set_up(folder, settings, "import", str(_written(folder, document)))[1]


def run_hub_output(
    folder: Path, settings: Mapping[str, str], *args: str, stdin: str | None = None
) -> tuple[str, str]:
    """Run ``hub ARGS`` in a process of its own; its stdout and stderr, or LiveServerError."""
    completed = subprocess.run(
        [*HUB_CLI, *args],
        input=stdin,
        env=hub_environment(folder, settings),
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT if args[0] != "migrate" else MIGRATE_TIMEOUT,
        check=False,
    )
    return _succeeded(completed, args)


def _succeeded(completed: subprocess.CompletedProcess[str], args: Sequence[str]) -> tuple[str, str]:
    if completed.returncode != 0:
        raise LiveServerError(
            f"hub {' '.join(args)} failed:\n{completed.stdout}\n{completed.stderr}"
        )
    return completed.stdout, completed.stderr


def import_file(folder: Path, settings: Mapping[str, str], document: Mapping[str, Any]) -> str:
    """``hub import`` of ``document`` in a process of its own, as an editor runs it beside
    the servers."""
    return run_hub(folder, settings, "import", str(_written(folder, document)))


def _written(folder: Path, document: Mapping[str, Any]) -> Path:
    path = folder / f"import-{time.monotonic_ns()}.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@asynccontextmanager
async def served_in_process(
    folder: Path, settings: Mapping[str, str], plugins: Sequence[object] = ()
) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    """A hub started in this process on a database ``hub migrate`` prepared, and a client."""
    EXECUTOR_CACHE.clear()
    pm = get_plugin_manager(extra_plugins=plugins, load_entry_points=False)
    declared = [item for _, items in iter_results(pm, "register_settings") for item in items]
    app = create_app(Settings.from_env(hub_environment(folder, settings), declared), pm)
    # A loaded machine (the suite runs on several workers) can take more than the default 5 s.
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=60):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            yield app, client


async def eventually(check: Callable[[], bool], within: float = 10.0) -> None:
    """Wait until ``check()`` holds, ``within`` seconds at most."""
    deadline = time.monotonic() + within
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {within}s")
        await asyncio.sleep(0.02)


def answering(process: subprocess.Popen[bytes], server: LiveServer) -> None:
    """Wait until the server answers HTTP at all (an allow-list may refuse the probe)."""
    deadline = time.monotonic() + WORKERS_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LiveServerError(f"the server exited with {process.returncode}:\n{server.log()}")
        try:
            httpx.get(server.graphql_url, params={"query": "{__typename}"}, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise LiveServerError(
        f"the server did not answer within {WORKERS_START_TIMEOUT}s:\n{server.log()}"
    )


@contextmanager
def live_workers(
    folder: Path, settings: Mapping[str, str], count: int, *serve_args: str
) -> Iterator[list[LiveServer]]:
    """``count`` ``hub serve`` processes on one database (already migrated), each on its port.

    What ``hub serve --workers N`` runs behind one port, with each worker reachable on its own,
    so a test chooses which one answers.
    """
    env = hub_environment(folder, settings)
    servers: list[LiveServer] = []
    processes: list[subprocess.Popen[bytes]] = []
    try:
        with ExitStack() as logs:
            for n in range(count):
                port = free_port()
                server = LiveServer(f"http://{HOST}:{port}", folder / f"worker-{n}.log")
                log = logs.enter_context(server.log_path.open("wb"))
                processes.append(
                    subprocess.Popen(
                        [*HUB_CLI, "serve", "--host", HOST, "--port", str(port), *serve_args],
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
                servers.append(server)
            for process, server in zip(processes, servers, strict=True):
                answering(process, server)
            yield servers
    finally:
        for process in processes:
            stop(process)
