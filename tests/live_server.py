"""The real hub served by uvicorn in a subprocess, for clients that need a socket (the audit).

Loopback only, on a free port, on a freshly migrated SQLite database in a folder of its own;
every wait is bounded and the server is always stopped.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import httpx
from tortoise.backends.base.executor import EXECUTOR_CACHE
from typer.testing import CliRunner, Result

from hub.cli import build_cli

HOST = "127.0.0.1"
#: Runs the ``hub`` command line with this interpreter, wherever the venv lives.
HUB_CLI = [sys.executable, "-c", "from hub.cli import main; main()"]
START_TIMEOUT = 90.0
STOP_TIMEOUT = 10.0
MIGRATE_TIMEOUT = 120.0


class LiveServerError(RuntimeError):
    """The server could not be prepared or did not start; the message carries its log."""


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    log_path: Path

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}/graphql"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def hub_environment(data_dir: Path, overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without any HUB_ setting, pointed at ``data_dir``."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("HUB_")}
    env["HUB_DATA_DIR"] = str(data_dir)
    env.update(overrides or {})
    return env


def hub_in_this_process(
    env: Mapping[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``hub ARGS`` run by this process with ``env`` as its whole environment: the CLI is built
    from it as ``hub`` builds it at start (settings, entry-point plugins). For set-up and for
    walks through many commands: a ``hub`` process spends seconds importing before its first
    line. What must happen in another process (a server hearing a change) uses ``HUB_CLI``."""

    def invoke() -> Result:
        # Tortoise caches INSERT statements by connection name: a command on PostgreSQL after
        # one on SQLite in this process would reuse SQLite's placeholders.
        EXECUTOR_CACHE.clear()
        with mock.patch.dict(os.environ, env, clear=True):
            return CliRunner().invoke(build_cli(), list(args), input=stdin)

    try:
        asyncio.get_running_loop()
    except RuntimeError:  # called from synchronous code: the command runs its own loop here
        result = invoke()
    else:  # called from a test's event loop, which asyncio.run cannot nest in: a thread runs it
        with ThreadPoolExecutor(max_workers=1) as thread:
            result = thread.submit(invoke).result()
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception  # a process of its own would have printed the traceback
    return subprocess.CompletedProcess(
        ["hub", *args], result.exit_code, result.stdout, result.stderr
    )


def migrate(env: Mapping[str, str]) -> None:
    completed = hub_in_this_process(env, "migrate")
    if completed.returncode != 0:
        raise LiveServerError(f"hub migrate failed:\n{completed.stdout}\n{completed.stderr}")


def wait_until_ready(process: subprocess.Popen[bytes], server: LiveServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    probe = f"{server.graphql_url}?query=%7B__typename%7D"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LiveServerError(f"the server exited with {process.returncode}:\n{server.log()}")
        try:
            if httpx.get(probe, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise LiveServerError(f"the server did not answer within {START_TIMEOUT}s:\n{server.log()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


@contextmanager
def live_server(data_dir: Path, settings: Mapping[str, str] | None = None) -> Iterator[LiveServer]:
    """Migrate a fresh database in ``data_dir``, serve the hub, and stop it on exit.

    ``settings`` are extra ``HUB_*`` environment variables (for example ``{"HUB_DEBUG": "1"}``).
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    env = hub_environment(data_dir, settings)
    migrate(env)
    port = free_port()
    server = LiveServer(base_url=f"http://{HOST}:{port}", log_path=data_dir / "server.log")
    with server.log_path.open("wb") as log:
        process = subprocess.Popen(
            [*HUB_CLI, "serve", "--host", HOST, "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_ready(process, server)
            yield server
        finally:
            stop(process)
