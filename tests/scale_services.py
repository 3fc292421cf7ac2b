"""Services the failure tests stop and start: a private Redis, a PostgreSQL database kept for a
whole module, and wrk.

The machine's Redis on 6379 is shared with other people and other test runs: these tests stop
only a ``redis-server`` of their own, on a free port, with no persistence. Each is skipped
locally when its program is missing and required in CI (``HUB_TEST_*``, set by ``.ci/run``).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx
import orjson

from tests.conftest import (
    POSTGRES_ADMIN_DB,
    POSTGRES_HOST,
    POSTGRES_PORT,
    POSTGRES_USER,
    postgres_reachable,
    skip_or_fail,
)
from tests.live_server import HOST, STOP_TIMEOUT, free_port

START_TIMEOUT = 10.0


@dataclass
class PrivateRedis:
    """A ``redis-server`` this test owns, on a free port: stop it and start it again at will."""

    binary: str
    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    def start(self) -> None:
        log = (self.folder / "redis.log").open("ab")
        self.process = subprocess.Popen(
            [self.binary, "--bind", HOST, "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with socket.create_connection((HOST, self.port), timeout=0.5) as probe:
                    probe.sendall(b"PING\r\n")
                    if probe.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            assert self.process.poll() is None, (self.folder / "redis.log").read_text()
            assert time.monotonic() < deadline, "redis-server did not answer"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=STOP_TIMEOUT)
        self.process = None


@contextmanager
def private_redis(folder: Path) -> Iterator[PrivateRedis]:
    binary = shutil.which("redis-server") or shutil.which("redis-server", path="/usr/bin")
    if binary is None:
        skip_or_fail("redis", "redis-server is not installed (Debian's redis-server package)")
    assert binary is not None
    folder.mkdir(parents=True, exist_ok=True)
    server = PrivateRedis(binary, folder)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def postgres_database() -> Iterator[str]:
    """A PostgreSQL database of its own (a unique name), dropped at the end; its URL."""
    if not postgres_reachable():
        skip_or_fail("postgres", f"PostgreSQL is not reachable on {POSTGRES_HOST}:{POSTGRES_PORT}")
    name = f"hub_test_scale_{uuid.uuid4().hex[:12]}"

    async def admin(statement: str) -> None:
        connection = await asyncpg.connect(
            host=POSTGRES_HOST, port=POSTGRES_PORT, user=POSTGRES_USER, database=POSTGRES_ADMIN_DB
        )
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgres://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def wrk_or_skip() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        skip_or_fail("wrk", "wrk is not installed (sh bench/install-tools.sh installs Debian's)")
    assert wrk is not None
    return wrk


MARKER = "WRK_COUNTS "
# wrk's own counters: socket errors by kind, and answers whose status is not 2xx or 3xx.
WRK_SCRIPT = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%s{"requests":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"status":%d}\\n',
    "MARKER", summary.requests, e.connect, e.read, e.write, e.timeout, e.status))
end
""".replace("MARKER", MARKER)


@dataclass(frozen=True)
class WrkCounts:
    requests: int
    connect: int
    read: int
    write: int
    timeout: int
    status: int


def start_wrk(folder: Path, url: str, *, seconds: int, connections: int) -> subprocess.Popen[str]:
    script = folder / "counts.lua"
    script.write_text(WRK_SCRIPT, encoding="utf-8")
    command = [
        wrk_or_skip(), "--threads", "1", "--connections", str(connections),
        "--duration", f"{seconds}s", "--timeout", "5s", "--script", str(script), url,
    ]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wrk_counts(process: subprocess.Popen[str], within: float) -> WrkCounts:
    output, _ = process.communicate(timeout=within)
    line = next((x for x in output.splitlines() if x.startswith(MARKER)), None)
    assert process.returncode == 0, output
    assert line is not None, output
    return WrkCounts(**orjson.loads(line.removeprefix(MARKER)))


def started_pids(log: str) -> list[int]:
    """The pids of the uvicorn workers a ``hub serve --workers N`` log says it started."""
    return [int(pid) for pid in re.findall(r"Started server process \[(\d+)\]", log)]


def cache_hits(base_url: str) -> int:
    """How many answers this worker's response cache gave (HUB_METRICS=on)."""
    text = httpx.get(f"{base_url}/metrics").text
    found = re.search(r'^hub_response_cache_lookups_total\{outcome="hit"\} (\S+)$', text, re.M)
    return int(float(found.group(1))) if found else 0
