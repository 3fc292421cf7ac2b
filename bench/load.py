"""Load generators: wrk when installed, else a bounded asyncio client (httpx).

Both send one operation over ``connections`` keep-alive connections for at most ``duration``
seconds and at most ``max_requests`` requests, to loopback only, and report requests/s and the
50th, 95th and 99th latency percentiles.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench.queries import Operation
from bench.servers import HOST, pinned

MARKER = "BENCH_RESULT "

# wrk's Lua API: ``request`` is built once from wrk.method/body/headers; ``response`` stops a
# thread at its share of the request budget; ``done`` prints the numbers as one JSON line.
WRK_SCRIPT = """
wrk.method = "{method}"
wrk.path = [==[{path}]==]
wrk.body = {body}
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
local budget = {budget}
local answered = 0
function response(status, headers, body)
  answered = answered + 1
  if answered >= budget then wrk.thread:stop() end
end
function done(summary, latency, requests)
  io.write(string.format(
    '{marker}{{"requests":%d,"duration_us":%d,"errors":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d}}\\n',
    summary.requests, summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


class LoadError(RuntimeError):
    """The load generator failed or the server answered with errors."""


@dataclass(frozen=True)
class LoadResult:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    #: The server's CPU time per answered request, when it was measured.
    cpu_ms_per_request: float | None = None

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "requests_per_second": round(self.requests_per_second, 1)}


def wrk_available() -> bool:
    return shutil.which("wrk") is not None


def _wrk_script(operation: Operation, budget: int) -> str:
    body = f"[==[{operation.body().decode()}]==]" if operation.method == "POST" else "nil"
    return WRK_SCRIPT.format(
        method=operation.method, path=operation.path(), body=body, budget=budget, marker=MARKER
    )


def run_wrk(
    port: int,
    operation: Operation,
    *,
    duration: float,
    connections: int,
    max_requests: int,
    core: int | None,
    work_dir: Path,
) -> LoadResult:
    script = work_dir / f"{operation.key}.lua"
    script.write_text(_wrk_script(operation, max_requests), encoding="utf-8")
    command = [
        "wrk", "--threads", "1", "--connections", str(connections),
        "--duration", f"{max(1, round(duration))}s", "--timeout", "5s",
        "--script", str(script), f"http://{HOST}:{port}",
    ]  # fmt: skip
    completed = subprocess.run(
        pinned(command, core), capture_output=True, text=True, timeout=duration + 30, check=False
    )
    line = next((x for x in completed.stdout.splitlines() if x.startswith(MARKER)), None)
    if completed.returncode != 0 or line is None:
        output = completed.stdout + completed.stderr
        raise LoadError(f"wrk failed ({completed.returncode}): {output}")
    numbers = orjson.loads(line.removeprefix(MARKER))
    return LoadResult(
        requests=numbers["requests"],
        seconds=numbers["duration_us"] / 1e6,
        errors=numbers["errors"],
        p50_ms=numbers["p50_us"] / 1000,
        p95_ms=numbers["p95_us"] / 1000,
        p99_ms=numbers["p99_us"] / 1000,
    )


def _percentile(sorted_values: list[float], percent: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, round(percent / 100 * (len(sorted_values) - 1)))
    return sorted_values[index]


async def _run_httpx(
    port: int, operation: Operation, duration: float, connections: int, max_requests: int
) -> LoadResult:
    latencies: list[float] = []
    errors = 0
    budget = max_requests
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    headers = {"content-type": "application/json", "accept": "application/json"}
    body = operation.body() if operation.method == "POST" else None
    async with httpx.AsyncClient(
        base_url=f"http://{HOST}:{port}", limits=limits, timeout=5.0
    ) as client:
        started = time.perf_counter()
        deadline = started + duration

        async def worker() -> None:
            nonlocal errors, budget
            while budget > 0 and time.perf_counter() < deadline:
                budget -= 1
                sent = time.perf_counter()
                try:
                    response = await client.request(
                        operation.method, operation.path(), content=body, headers=headers
                    )
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - sent)
                errors += 0 if ok else 1

        await asyncio.gather(*(worker() for _ in range(connections)))
        seconds = time.perf_counter() - started
    ordered = sorted(latencies)
    return LoadResult(
        requests=len(latencies),
        seconds=seconds,
        errors=errors,
        p50_ms=statistics.median(ordered) * 1000 if ordered else 0.0,
        p95_ms=_percentile(ordered, 95) * 1000,
        p99_ms=_percentile(ordered, 99) * 1000,
    )


def run_load(
    port: int,
    operation: Operation,
    *,
    duration: float,
    connections: int,
    max_requests: int,
    core: int | None,
    work_dir: Path,
) -> tuple[LoadResult, str]:
    """One bounded load run; returns the result and the name of the generator used."""
    if wrk_available():
        result = run_wrk(
            port,
            operation,
            duration=duration,
            connections=connections,
            max_requests=max_requests,
            core=core,
            work_dir=work_dir,
        )
        generator = "wrk"
    else:
        # The client runs in this process: pin it (for this run only) away from the server.
        previous = os.sched_getaffinity(0)
        if core is not None:
            os.sched_setaffinity(0, {core})
        try:
            result = asyncio.run(_run_httpx(port, operation, duration, connections, max_requests))
        finally:
            os.sched_setaffinity(0, previous)
        generator = "httpx (asyncio)"
    if result.errors:
        raise LoadError(f"{result.errors} of {result.requests} requests failed")
    if result.requests == 0:
        raise LoadError(f"no request was answered within {duration:g} s")
    return result, generator
