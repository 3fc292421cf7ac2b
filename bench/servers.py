"""The servers under test, each one uvicorn worker on loopback, pinned to a core."""

from __future__ import annotations

import importlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from starlette.applications import Starlette

from bench.queries import Operation

HOST = "127.0.0.1"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
REPOSITORY = Path(__file__).resolve().parent.parent

#: uvicorn application factories: the hub itself and the hand-written servers.
APPLICATIONS = {
    "hub": "hub.app:create_app",
    "sqlite3": "bench.fastest:create_app",
    "sqlite3-json": "bench.fastest_json:create_app",
    "aiosqlite": "bench.baseline:create_app",
    "asyncpg": "bench.asyncpg_server:create_app",
}
#: What each server is, for the report.
DESCRIPTIONS = {
    "hub": "the hub",
    "sqlite3": "hand-written: Starlette, stdlib sqlite3 on the event loop, orjson",
    "sqlite3-json": "hand-written, one statement: SQLite builds the JSON",
    "aiosqlite": "hand-written through aiosqlite (the baseline until 2026-12-04)",
    "asyncpg": "hand-written: Starlette, asyncpg, orjson",
}
#: The servers measured on each database; the first hand-written one is the yardstick.
ON_DATABASE = {
    "sqlite": ("hub", "sqlite3", "aiosqlite", "sqlite3-json"),
    "postgres": ("hub", "asyncpg"),
}


def factory(name: str) -> Callable[[], Starlette]:
    """The application factory of server ``name``, imported."""
    module, attribute = APPLICATIONS[name].split(":")
    made: Callable[[], Starlette] = getattr(importlib.import_module(module), attribute)
    return made


class ServerError(RuntimeError):
    """A server did not start or did not answer; the message carries its log."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def pinned(command: list[str], core: int | None) -> list[str]:
    """``command`` run on ``core`` only, when ``taskset`` exists (it execs: the pid stays)."""
    taskset = shutil.which("taskset")
    if core is None or taskset is None:
        return command
    return [taskset, "--cpu-list", str(core), *command]


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    cold_start_seconds: float

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def peak_rss_bytes(self) -> int:
        """VmHWM: the most resident memory the server process has had so far."""
        status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="ascii")
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise ServerError(f"{self.name}: no VmHWM in /proc/{self.process.pid}/status")

    def cpu_seconds(self) -> float:
        """CPU time the server process has used so far, user and system, all its threads.

        Per request it is the cost of a request including the kernel's work, which the
        requests/s of a shared machine blur: there a server gets a share of the core, and one
        with two busy threads gets more than one with a single thread.
        """
        stat = Path(f"/proc/{self.process.pid}/stat").read_text(encoding="ascii")
        fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _first_answer(server_name: str, url: str, probe: Operation, deadline: float) -> None:
    headers = {"content-type": "application/json"}
    with httpx.Client(base_url=url, timeout=5.0) as client:
        while time.perf_counter() < deadline:
            try:
                response = client.request(
                    probe.method,
                    probe.path(),
                    content=probe.body() if probe.method == "POST" else None,
                    headers=headers,
                )
            except httpx.TransportError:
                time.sleep(0.01)
                continue
            if response.status_code == 200 and "errors" not in response.json():
                return
            raise ServerError(f"{server_name} answered {response.status_code}: {response.text}")
    raise ServerError(f"{server_name} did not answer within {START_TIMEOUT:.0f}s")


@contextmanager
def serve(
    name: str, environment: Mapping[str, str], log_dir: Path, probe: Operation, core: int | None
) -> Iterator[Server]:
    """Start server ``name`` in ``environment``; the cold start is the time to ``probe``'s first
    answer."""
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", "--factory", APPLICATIONS[name],
        "--host", HOST, "--port", str(port), "--workers", "1",
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        started = time.perf_counter()
        process = subprocess.Popen(
            pinned(command, core),
            cwd=REPOSITORY,
            env={**environment, "PYTHONPATH": str(REPOSITORY)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        try:
            _first_answer(name, f"http://{HOST}:{port}", probe, started + START_TIMEOUT)
        except ServerError as error:
            raise ServerError(f"{error}\n--- {name} log ---\n{log_path.read_text()}") from None
        yield Server(name, process, port, log_path, time.perf_counter() - started)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)
