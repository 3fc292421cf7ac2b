"""How long after a mutation's answer every worker answers the new content (``make bench-purge``).

Starts N ``hub serve`` workers (real uvicorn processes, each on its own port) on a fresh
PostgreSQL database and Redis, warms every worker's response cache with one post's title, then
repeats: retitle the post through worker 0 and, from the moment the mutation answered, ask every
worker for the title until each answers the new one. The figure per change is the slowest
worker's: the time until the last worker purged its cache (plus one GET, about a millisecond on
loopback, which is the resolution). ``--transport postgres`` uses LISTEN/NOTIFY instead of Redis.

    python -m bench.purge --workers 4 --changes 200
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

import asyncpg
import httpx

from bench.data import hub_environment
from bench.servers import HOST, free_port

HUB_CLI = [sys.executable, "-c", "from hub.cli import main; main()"]
POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/0"
TITLE = {"query": '{ post(slug: "bench-post") { title } }'}
RETITLE = "mutation($input: UpdatePostInput!) { updatePost(input: $input) { errors { message } } }"
START_TIMEOUT = 90.0


def hub(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [*HUB_CLI, *args], env=env, input=stdin, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"hub {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare(env: dict[str, str], folder: Path) -> str:
    """Migrate, add the post and an editor; the editor's token."""
    hub(env, "migrate")
    post = {"slug": "bench-post", "title": "Title 0", "status": "published",
            "published_at": "2024-01-01T00:00:00+00:00"}  # fmt: skip
    document = folder / "post.json"
    document.write_text(json.dumps({"version": 1, "posts": [post]}))
    hub(env, "import", str(document))
    account = ("--email", "bench@example.org", "--role", "editor", "--password-stdin")
    hub(env, "users", "create", *account, stdin="bench passphrase\n")
    token = hub(env, "tokens", "create", "--user", "bench@example.org", "--scopes", "content:write")
    return token.strip().splitlines()[-1]


@contextmanager
def workers(env: dict[str, str], folder: Path, count: int) -> Iterator[list[str]]:
    urls: list[str] = []
    with ExitStack() as stack:
        processes = []
        for n in range(count):
            port = free_port()
            log = stack.enter_context((folder / f"worker-{n}.log").open("wb"))
            process = subprocess.Popen(
                [*HUB_CLI, "serve", "--host", HOST, "--port", str(port)],
                env=env, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            stack.callback(process.wait, 10)
            stack.callback(process.terminate)
            processes.append(process)
            urls.append(f"http://{HOST}:{port}/graphql")
        deadline = time.monotonic() + START_TIMEOUT
        for url, process in zip(urls, processes, strict=True):
            while True:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"a worker did not start: see {folder}")
                try:
                    httpx.get(url, params=TITLE, timeout=1.0)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
        yield urls


async def title(client: httpx.AsyncClient, url: str) -> str:
    answer = await client.get(url, params=TITLE)
    found: str = answer.json()["data"]["post"]["title"]
    return found


async def until_new(
    client: httpx.AsyncClient, url: str, new_title: str, since: float
) -> tuple[float, float]:
    """Seconds from ``since`` until ``url`` answers ``new_title``, and until the GET that saw
    it began (its worker had purged by then, give or take the request's way to the cache)."""
    while True:
        began = time.perf_counter()
        if await title(client, url) == new_title:
            return time.perf_counter() - since, began - since
        if began - since > 10:
            raise SystemExit(f"{url} still answers the old title after 10 s")


async def measure(urls: Sequence[str], token: str, changes: int) -> tuple[list[float], list[float]]:
    """Per change, the slowest worker's: time to the new content, time to the GET that saw it."""
    headers = {"Authorization": f"Bearer {token}"}
    answered_new: list[float] = []
    asked_new: list[float] = []
    async with httpx.AsyncClient(timeout=10.0) as client:
        for url in urls:
            await title(client, url)  # cached from now on, for HUB_DELIVERY_MAX_AGE
        for n in range(1, changes + 1):
            found = (
                await client.post(
                    urls[0], json={"query": '{ post(slug: "bench-post") { id version } }'},
                    headers=headers,
                )
            ).json()["data"]["post"]  # fmt: skip
            new_title = f"Title {n}"
            variables = {"input": {**found, "title": new_title}}
            answer = await client.post(
                urls[0], json={"query": RETITLE, "variables": variables}, headers=headers
            )
            answered = time.perf_counter()
            assert answer.json()["data"]["updatePost"]["errors"] == [], answer.text

            waits = (until_new(client, url, new_title, answered) for url in urls)
            seen = await asyncio.gather(*waits)
            answered_new.append(max(delay for delay, _ in seen))
            asked_new.append(max(began for _, began in seen))
    return answered_new, asked_new


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def create_database(name: str) -> None:
    admin = await asyncpg.connect(f"{POSTGRES}/test")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def drop_database(name: str) -> None:
    admin = await asyncpg.connect(f"{POSTGRES}/test")
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--transport", choices=("redis", "postgres"), default="redis")
    arguments = parser.parse_args(argv)
    name = f"hub_bench_purge_{uuid.uuid4().hex[:8]}"
    asyncio.run(create_database(name))
    try:
        with tempfile.TemporaryDirectory(prefix="hub-bench-purge-") as directory:
            folder = Path(directory)
            settings = {
                "HUB_DATABASE_URL": f"{POSTGRES}/{name}",
                "HUB_DELIVERY_MAX_AGE": "600",
                "HUB_EVENTS_TRANSPORT": arguments.transport,
            }
            if arguments.transport == "redis":
                settings["HUB_REDIS_URL"] = REDIS
            env = hub_environment(folder, settings)
            token = prepare(env, folder)
            with workers(env, folder, arguments.workers) as urls:
                answered_new, asked_new = asyncio.run(measure(urls, token, arguments.changes))
    finally:
        asyncio.run(drop_database(name))
    print(f"{arguments.workers} workers, {arguments.transport}, {len(answered_new)} changes, "
          "from the mutation's answer:")  # fmt: skip
    for label, seconds in (
        ("to the last worker's purge (the GET that saw it began)", asked_new),
        ("to the last worker answering the new content", answered_new),
    ):
        ms = [value * 1000 for value in seconds]
        print(
            f"  {label}: p50 {percentile(ms, 0.5):.1f} ms, p99 {percentile(ms, 0.99):.1f} ms, "
            f"max {max(ms):.1f} ms, mean {statistics.fmean(ms):.1f} ms"
        )


if __name__ == "__main__":
    main()
