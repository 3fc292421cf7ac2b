"""The front page through Varnish (hits), from the hub's own response cache, and uncached, with
1 and 4 workers, measured in one run (``make bench-scale``).

For each worker count it serves ``hub serve --workers N`` on a fresh PostgreSQL database (the
demo content and ``--posts`` more) with Redis, twice: with the response cache (anonymous GETs
answered from each worker's memory), then without it and with ``varnishd`` in front, running
``deploy/varnish/hub.vcl`` (what the README's production setting runs). wrk sends the same
anonymous GET of the front page to each, after checking that all three answer the same data.
Server, Varnish and wrk share the machine's cores: the ratios are the figures to compare.

    python -m bench.scale --workers 1,4 --seconds 4
"""

from __future__ import annotations

import argparse
import glob
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bench.data import fresh_postgres_database, hub_environment, prepare
from bench.load import LoadResult, run_wrk, wrk_available
from bench.queries import front_page
from bench.servers import HOST, REPOSITORY, free_port

HUB_CLI = [sys.executable, "-c", "from hub.cli import main; main()"]
VCL = REPOSITORY / "deploy" / "varnish" / "hub.vcl"
START_TIMEOUT = 120.0
STOP_TIMEOUT = 10.0
FRONT_PAGE = front_page("GET")


class ScaleBenchError(RuntimeError):
    """Something the benchmark needs is missing or did not start."""


def varnishd() -> str:
    found = shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin")
    if found is None or not glob.glob("/usr/lib/*/varnish/vmods/libvmod_xkey.so"):
        raise ScaleBenchError("varnishd with vmod xkey is missing: run .ci/install-varnish")
    return found


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT)


def front_page_data(port: int) -> object:
    answer = httpx.get(f"http://{HOST}:{port}{FRONT_PAGE.path()}", timeout=10.0)
    answer.raise_for_status()
    return answer.json()["data"]


@contextmanager
def hub_workers(env: dict[str, str], folder: Path, workers: int) -> Iterator[int]:
    """``hub serve --workers N`` on a free port, every worker started; the port."""
    port = free_port()
    log_path = folder / f"hub-{workers}-{time.monotonic_ns()}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*HUB_CLI, "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while log_path.read_text(errors="replace").count("startup complete") < workers:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise ScaleBenchError(f"the hub did not start: {log_path.read_text()}")
                time.sleep(0.2)
            front_page_data(port)
            yield port
        finally:
            stop(process)


@contextmanager
def varnish_in_front(folder: Path, backend_port: int) -> Iterator[int]:
    """varnishd with the project's VCL, its backend the hub on ``backend_port``; its port."""
    port = free_port()
    work = folder / f"varnish-{port}"
    work.mkdir()
    vcl = work / "hub.vcl"
    vcl.write_text(VCL.read_text().replace('.port = "8000";', f'.port = "{backend_port}";'))
    with (work / "varnish.log").open("wb") as log:
        process = subprocess.Popen(
            [varnishd(), "-F", "-j", "none", "-n", str(work / "state"), "-a", f"{HOST}:{port}",
             "-f", str(vcl), "-s", "malloc,64m", "-T", "none"],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                try:
                    httpx.get(f"http://{HOST}:{port}/", timeout=1.0)
                    break
                except httpx.TransportError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise ScaleBenchError((work / "varnish.log").read_text()) from None
                    time.sleep(0.1)
            yield port
        finally:
            stop(process)


def load(port: int, folder: Path, seconds: float, connections: int) -> LoadResult:
    return run_wrk(
        port, FRONT_PAGE, duration=seconds, connections=connections,
        max_requests=10_000_000, core=None, work_dir=folder,
    )  # fmt: skip


def measure(
    env: dict[str, str], folder: Path, workers: int, seconds: float, connections: int
) -> dict[str, LoadResult]:
    results: dict[str, LoadResult] = {}
    with hub_workers(env, folder, workers) as port:
        expected = front_page_data(port)
        results["hub cache"] = load(port, folder, seconds, connections)
    uncached_env = {**env, "HUB_DELIVERY_RESPONSE_CACHE_ENTRIES": "0"}
    with ExitStack() as stack:
        port = stack.enter_context(hub_workers(uncached_env, folder, workers))
        varnish = stack.enter_context(varnish_in_front(folder, port))
        hit = httpx.get(f"http://{HOST}:{varnish}{FRONT_PAGE.path()}", timeout=10.0)
        hit = httpx.get(f"http://{HOST}:{varnish}{FRONT_PAGE.path()}", timeout=10.0)
        if hit.headers.get("x-cache") != "HIT":
            raise ScaleBenchError(f"Varnish does not keep the front page: {hit.headers}")
        if not (front_page_data(port) == front_page_data(varnish) == expected):
            raise ScaleBenchError("the three ways do not answer the same front page")
        results["uncached"] = load(port, folder, seconds, connections)
        results["Varnish hit"] = load(varnish, folder, seconds, connections)
    return results


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def report(
    measured: dict[int, dict[str, LoadResult]], posts: int, seconds: float, connections: int
) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Measured {when} on {os.cpu_count()} cores ({cpu_model()}), "
        f"Python {platform.python_version()}, PostgreSQL and Redis on the same machine; "
        f"front page (anonymous GET, 20 posts) of {posts} + demo posts; wrk, 1 thread, "
        f"{connections} connections, {seconds:g} s per figure. Workers, Varnish, PostgreSQL "
        "and wrk share those cores: compare the ratios, measured in the same run.",
        "",
        "| workers | Varnish hit req/s | hub cache req/s | uncached req/s | Varnish / uncached "
        "| hub cache / uncached | Varnish / hub cache | p99 ms (Varnish / hub cache / uncached) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for workers, results in measured.items():
        varnish, cache, uncached = (
            results[k].requests_per_second for k in ("Varnish hit", "hub cache", "uncached")
        )
        p99 = " / ".join(
            f"{results[k].p99_ms:.1f}" for k in ("Varnish hit", "hub cache", "uncached")
        )
        lines.append(
            f"| {workers} | {varnish:,.0f} | {cache:,.0f} | {uncached:,.0f} "
            f"| {varnish / uncached:.1f}x | {cache / uncached:.1f}x | {varnish / cache:.1f}x "
            f"| {p99} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", default="1,4", help="worker counts, comma-separated")
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--posts", type=int, default=200)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    arguments = parser.parse_args(argv)
    if not wrk_available():
        raise SystemExit("wrk is missing: sh bench/install-tools.sh installs Debian's")
    try:
        varnishd()
        with (
            tempfile.TemporaryDirectory(prefix="hub-bench-scale-") as directory,
            fresh_postgres_database(arguments.postgres) as database_url,
        ):
            folder = Path(directory)
            prepare(folder / "data", arguments.posts, database_url)
            env = hub_environment(
                folder / "data",
                {
                    "HUB_DATABASE_URL": database_url,
                    "HUB_REDIS_URL": arguments.redis,
                    "HUB_DELIVERY_MAX_AGE": "600",
                },
            )
            measured = {
                workers: measure(env, folder, workers, arguments.seconds, arguments.connections)
                for workers in (int(n) for n in arguments.workers.split(","))
            }
    except ScaleBenchError as error:
        raise SystemExit(f"bench-scale: {error}") from None
    print(report(measured, arguments.posts, arguments.seconds, arguments.connections))


if __name__ == "__main__":
    main()
