"""Instructions per request, counted by valgrind: the speed figure machine noise cannot blur.

Requests per second on a shared machine drift by ±15 % between runs, and a change worth 3 %
disappears in them. The instructions a request executes do not drift (repeat counts agree to
~0.5 %). Each server answers the front page in its own process, through its ASGI app (no
socket, no load generator), under valgrind's cachegrind, twice: after the same warm-up, once
with ``FEW`` requests and once with ``MANY``. The difference divided by ``MANY - FEW`` leaves
out start-up, imports and warm-up. Every thread of the server is counted (aiosqlite runs
statements on one of its own); the kernel's work is not (system calls, thread wake-ups), nor
PostgreSQL's (another process): the figure is the CPU work a request costs the server's process
in user space, not its time.

The front page is counted for every server, ``{ __typename }`` (the request path alone) for the
hub and the yardstick.

``python -m bench.instructions drive SERVER REQUESTS [OPERATION]`` is the driven process; the
database comes from ``HUB_DATA_DIR`` / ``HUB_DATABASE_URL``.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message

from bench import queries, servers

REPOSITORY = Path(__file__).resolve().parent.parent
WARM_UP = 30
FEW = 20
MANY = 220
#: A valgrind run of the hub takes ~20 s here; this bounds a hung one.
TIMEOUT_SECONDS = 600


_TOTAL = re.compile(r"I\s+refs:\s+([\d,]+)")


class CountFailed(RuntimeError):
    """valgrind ran but gave no count: its output says why."""


def valgrind() -> str | None:
    return shutil.which("valgrind")


def total_instructions(output: str) -> int:
    """The ``I refs`` total of a cachegrind summary."""
    found = _TOTAL.search(output)
    if found is None:
        raise CountFailed(f"no instruction count in valgrind's output: {output[-500:]!r}")
    return int(found.group(1).replace(",", ""))


#: The operations a driven process can send, by key.
OPERATIONS = {"front_page": queries.front_page(), "typename": queries.typename()}
USAGE = (
    f"usage: python -m bench.instructions drive {'|'.join(servers.APPLICATIONS)} REQUESTS "
    f"[{'|'.join(OPERATIONS)}]"
)


class _Lifespan:
    """The app's lifespan, run as a server runs it: started before requests, ended after."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.inbox: asyncio.Queue[Message] = asyncio.Queue()
        self.outbox: asyncio.Queue[Message] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    async def _step(self, event: str) -> None:
        await self.inbox.put({"type": f"lifespan.{event}"})
        reply = await self.outbox.get()
        if reply["type"] != f"lifespan.{event}.complete":
            raise CountFailed(f"the app's lifespan {event} failed: {reply}")

    async def __aenter__(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}

        async def run() -> None:
            await self.app(scope, self.inbox.get, self.outbox.put)

        self.task = asyncio.create_task(run())
        await self._step("startup")

    async def __aexit__(self, *_: object) -> None:
        await self._step("shutdown")
        assert self.task is not None
        await self.task


async def _answer(app: ASGIApp, body: bytes) -> None:
    """One POST of ``body`` to /graphql, as a server would pass it on."""
    received = False
    status = 0

    async def receive() -> Message:
        nonlocal received
        if received:  # the request is whole; a server would now wait for a disconnect
            await asyncio.Event().wait()
        received = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"bench"),
            (b"content-type", b"application/json"),
            (b"accept", b"application/json"),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    await app(scope, receive, send)
    if status != 200:
        raise CountFailed(f"the request was answered with HTTP {status}")


async def drive(server: str, requests: int, operation: str = "front_page") -> None:
    """Start ``server``'s app, warm it up, then answer ``requests`` of ``operation``."""
    app = servers.factory(server)()
    body = OPERATIONS[operation].body()
    async with _Lifespan(app):
        for _ in range(WARM_UP + requests):
            await _answer(app, body)


def _counted(
    server: str, requests: int, environment: Mapping[str, str], operation: str = "front_page"
) -> int:
    command = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        "-m",
        "bench.instructions",
        "drive",
        server,
        str(requests),
        operation,
    ]
    completed = subprocess.run(
        command,
        env={**environment, "PYTHONPATH": str(REPOSITORY)},
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    if completed.returncode != 0:
        raise CountFailed(f"{server} under valgrind failed: {completed.stderr[-1500:]}")
    return total_instructions(completed.stderr)


def per_request(
    server: str, environment: Mapping[str, str], operation: str = "front_page"
) -> float:
    """Instructions one ``operation`` costs ``server``, start-up and warm-up left out."""
    few = _counted(server, FEW, environment, operation)
    many = _counted(server, MANY, environment, operation)
    return (many - few) / (MANY - FEW)


def count(environment: Mapping[str, str], names: Sequence[str]) -> dict[str, Any]:
    """``{"front_page": {server: n}, "typename": {server: n}}`` for the servers ``names`` (the
    hub first, then the yardstick), or ``{"skipped": why}``."""
    if valgrind() is None:
        return {"skipped": "valgrind is not installed (bench/install-tools.sh installs it)"}
    jobs = [(name, "front_page") for name in names] + [(name, "typename") for name in names[:2]]
    # Counts do not depend on what else runs: two at once, one per core.
    with ThreadPoolExecutor(max_workers=2) as pool:
        counted = list(pool.map(lambda job: per_request(job[0], environment, job[1]), jobs))
    figures: dict[str, Any] = {"front_page": {}, "typename": {}}
    for (name, operation), instructions in zip(jobs, counted, strict=True):
        figures[operation][name] = instructions
    return figures


def main(argv: list[str]) -> int:
    if (
        len(argv) not in (3, 4)
        or argv[0] != "drive"
        or argv[1] not in servers.APPLICATIONS
        or not argv[2].isdigit()
        or (len(argv) == 4 and argv[3] not in OPERATIONS)
    ):
        print(USAGE, file=sys.stderr)
        return 2
    if "HUB_DATA_DIR" not in os.environ:
        print("HUB_DATA_DIR must name the prepared data directory", file=sys.stderr)
        return 2
    asyncio.run(drive(argv[1], int(argv[2]), *argv[3:]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
