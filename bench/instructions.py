"""Instructions per front page, counted by valgrind: the speed figure machine noise cannot blur.

Requests per second on a shared machine drift by ±15 % between runs, and a change worth 3 %
disappears in them. The instructions a request executes do not drift (repeat counts agree to
~0.5 %). Each server answers the front page in its own process, through its ASGI app (no
socket, no load generator), under valgrind's cachegrind, twice: after the same warm-up, once
with ``FEW`` requests and once with ``MANY``. The difference divided by ``MANY - FEW`` leaves
out start-up, imports and warm-up. Every thread of the server is counted (the SQLite driver
runs statements on one of its own); the kernel's work is not (system calls, thread wake-ups):
the figure is the CPU work a request costs in user space, not its time.

``python -m bench.instructions drive hub|baseline REQUESTS`` is the driven process; the data
directory comes from ``HUB_DATA_DIR``.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Message

from bench import queries
from bench.data import hub_environment

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


def _application(server: str) -> ASGIApp:
    if server == "hub":
        from hub.app import create_app

        return create_app()
    from bench.baseline import create_app as create_baseline

    return create_baseline()


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
        raise CountFailed(f"the front page was answered with HTTP {status}")


async def drive(server: str, requests: int) -> None:
    """Start ``server``'s app, warm it up, then answer ``requests`` front pages."""
    app = _application(server)
    body = queries.front_page().body()
    async with _Lifespan(app):
        for _ in range(WARM_UP + requests):
            await _answer(app, body)


def _counted(server: str, requests: int, data_dir: Path) -> int:
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
    ]
    environment = hub_environment(data_dir, {"PYTHONPATH": str(REPOSITORY)})
    completed = subprocess.run(
        command,
        env=environment,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    if completed.returncode != 0:
        raise CountFailed(f"{server} under valgrind failed: {completed.stderr[-1500:]}")
    return total_instructions(completed.stderr)


def per_request(server: str, data_dir: Path) -> float:
    """Instructions one front page costs ``server``, start-up and warm-up left out."""
    few = _counted(server, FEW, data_dir)
    many = _counted(server, MANY, data_dir)
    return (many - few) / (MANY - FEW)


def front_page(data_dir: Path) -> dict[str, Any]:
    """``{"hub": n, "baseline": n, "ratio": baseline / hub}``, or ``{"skipped": why}``."""
    if valgrind() is None:
        return {"skipped": "valgrind is not installed (bench/install-tools.sh installs it)"}
    # Counts do not depend on what else runs: both servers are counted at once.
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = dict(
            zip(
                ("hub", "baseline"),
                pool.map(lambda server: per_request(server, data_dir), ("hub", "baseline")),
                strict=True,
            )
        )
    return {**counts, "ratio": counts["baseline"] / counts["hub"]}


def main(argv: list[str]) -> int:
    if (
        len(argv) != 3
        or argv[0] != "drive"
        or argv[1] not in ("hub", "baseline")
        or not argv[2].isdigit()
    ):
        print("usage: python -m bench.instructions drive hub|baseline REQUESTS", file=sys.stderr)
        return 2
    if "HUB_DATA_DIR" not in os.environ:
        print("HUB_DATA_DIR must name the prepared data directory", file=sys.stderr)
        return 2
    asyncio.run(drive(argv[1], int(argv[2])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
