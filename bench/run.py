"""``python -m bench``: prepare data, start the hub and the baseline, compare, load, report."""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import answers, data, instructions, load, profiling, queries, report, sqlcount
from bench.servers import Server, ServerError, serve
from hub.app import create_app

RESULTS_DIR = Path(__file__).resolve().parent / "results"
#: The plugin that answers persisted queries and caches anonymous GETs.
DELIVERY_PLUGIN = "delivery"
PERSISTED_GET_REASON = "the delivery plugin (persisted queries, response cache) is not installed"


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--posts", type=int, default=2000, help="synthetic posts (hub demo)")
    parser.add_argument("--duration", type=float, default=4.0, help="seconds per timed run")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds of untimed load first")
    parser.add_argument("--rounds", type=int, default=2, help="A B rounds per operation")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections")
    parser.add_argument(
        "--single-duration",
        type=float,
        default=2.0,
        help="seconds of one-connection load per server, for latency without queueing (0: skip)",
    )
    parser.add_argument("--max-requests", type=int, default=500_000, help="cap per timed run")
    parser.add_argument(
        "--data-dir", type=Path, help="reuse a prepared HUB_DATA_DIR instead of making one"
    )
    parser.add_argument("--output", type=Path, default=RESULTS_DIR, help="results folder")
    parser.add_argument(
        "--profile",
        choices=("auto", "always", "never"),
        default="auto",
        help="py-spy the hub under front-page load (auto: when below 0.5x the baseline)",
    )
    parser.add_argument("--profile-seconds", type=int, default=8)
    parser.add_argument("--skip-import", action="store_true", help="skip hub import throughput")
    parser.add_argument(
        "--skip-instructions",
        action="store_true",
        help="skip counting instructions per front page under valgrind",
    )
    arguments = parser.parse_args(argv)
    for name in ("posts", "rounds", "connections", "max_requests", "profile_seconds"):
        if getattr(arguments, name) < (0 if name == "posts" else 1):
            parser.error(f"--{name.replace('_', '-')} is too small")
    if arguments.duration <= 0 or arguments.warmup < 0 or arguments.single_duration < 0:
        parser.error("--duration must be positive, --warmup and --single-duration not negative")
    return arguments


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def cores() -> tuple[int | None, int | None]:
    """(server core, load core): different cores when there are two or more."""
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2 or shutil.which("taskset") is None:
        return None, None
    return available[0], available[1]


def _median(runs: list[load.LoadResult]) -> dict[str, float]:
    return {
        "requests_per_second": statistics.median(r.requests_per_second for r in runs),
        "p50_ms": statistics.median(r.p50_ms for r in runs),
        "p95_ms": statistics.median(r.p95_ms for r in runs),
        "p99_ms": statistics.median(r.p99_ms for r in runs),
    }


def available_operations(
    hub_app: Any, slug: str
) -> tuple[list[queries.Operation], dict[str, dict[str, Any]]]:
    """The operations to measure, and the rows for those that cannot be."""
    query_fields = hub_app.state.hub.built.schema._schema.query_type.fields
    cached = hub_app.state.hub.plugin_manager.has_plugin(DELIVERY_PLUGIN)
    get_label = "front page (GET with the query, cached)" if cached else "front page (plain GET)"
    operations = [
        queries.front_page(),
        queries.front_page("GET", get_label),
        queries.post_by_slug(slug),
    ]
    missing: dict[str, dict[str, Any]] = {}
    if "search" in query_fields:
        operations.append(queries.search())
    else:
        missing["search"] = {
            "label": "search",
            "available": False,
            "reason": "the search plugin is not installed (no `search` query field)",
        }
    if cached:
        operations.append(queries.persisted_front_page())
    else:
        missing["front_page_persisted"] = {
            "label": "front page (persisted-query GET, cached)",
            "available": False,
            "reason": PERSISTED_GET_REASON,
        }
    return operations, missing


def measure(
    operation: queries.Operation,
    servers: dict[str, Server],
    arguments: argparse.Namespace,
    load_core: int | None,
    work_dir: Path,
) -> tuple[dict[str, list[load.LoadResult]], str]:
    runs: dict[str, list[load.LoadResult]] = {"hub": [], "baseline": [], "single": []}
    generator = ""

    def once(name: str, seconds: float, connections: int | None = None) -> load.LoadResult:
        nonlocal generator
        result, generator = load.run_load(
            servers[name].port,
            operation,
            duration=seconds,
            connections=connections or arguments.connections,
            max_requests=arguments.max_requests,
            core=load_core,
            work_dir=work_dir,
        )
        return result

    if arguments.warmup > 0:
        for name in ("hub", "baseline"):
            once(name, arguments.warmup)
    # A B A B: whatever the machine's other work does to one round, it does to both sides.
    for round_number in range(arguments.rounds):
        for name in ("hub", "baseline"):
            result = once(name, arguments.duration)
            runs[name].append(result)
            say(
                f"  {operation.label} round {round_number + 1} {name}: "
                f"{result.requests_per_second:,.0f} req/s, p95 {result.p95_ms:.1f} ms"
            )
    if arguments.single_duration > 0:
        # With one connection nothing queues: the latency of a request on its own.
        runs["single"] = [once(name, arguments.single_duration, 1) for name in ("hub", "baseline")]
    return runs, generator


def _operation_result(
    operation: queries.Operation,
    runs: dict[str, list[load.LoadResult]],
    sql: dict[str, dict[str, int]],
) -> dict[str, Any]:
    ratios = [
        h.requests_per_second / b.requests_per_second
        for h, b in zip(runs["hub"], runs["baseline"], strict=True)
    ]
    return {
        "label": operation.label,
        "available": True,
        "hub": {"runs": [r.as_dict() for r in runs["hub"]], "median": _median(runs["hub"])},
        "baseline": {
            "runs": [r.as_dict() for r in runs["baseline"]],
            "median": _median(runs["baseline"]),
        },
        "single_connection": {
            name: result.as_dict()
            for name, result in zip(("hub", "baseline"), runs["single"], strict=False)
        },
        "ratio": statistics.median(ratios),
        "ratios_per_round": ratios,
        "sql": sql[operation.key],
    }


def profile_hub(
    hub: Server, arguments: argparse.Namespace, load_core: int | None, work_dir: Path
) -> dict[str, Any]:
    if profiling.py_spy() is None:
        return {"skipped": "py-spy is not installed (pip install -e '.[bench]')"}
    raw = arguments.output / "profile-front-page.txt"
    sampler = profiling.record(hub.process.pid, arguments.profile_seconds, raw, load_core)
    time.sleep(0.5)  # py-spy attaches before the load starts
    load.run_load(
        hub.port,
        queries.front_page(),
        duration=arguments.profile_seconds,
        connections=arguments.connections,
        max_requests=arguments.max_requests,
        core=load_core,
        work_dir=work_dir,
    )
    _, errors = sampler.communicate(timeout=arguments.profile_seconds + 30)
    if sampler.returncode != 0 or not raw.exists():
        return {"skipped": f"py-spy failed: {errors.decode(errors='replace').strip()}"}
    summary = profiling.summarise(raw.read_text(encoding="utf-8", errors="replace"))
    summary.raw_path = raw.name
    return summary.as_dict()


def count_instructions(data_dir: Path, arguments: argparse.Namespace) -> dict[str, Any]:
    if arguments.skip_instructions:
        return {"skipped": "--skip-instructions"}
    say("counting instructions per front page under valgrind (in-process) ...")
    try:
        counted = instructions.front_page(data_dir)
    except (instructions.CountFailed, subprocess.TimeoutExpired) as error:
        say(f"  {error}")
        return {"skipped": f"the count failed: {error}"}
    if "skipped" in counted:
        say(f"  skipped: {counted['skipped']}")
    else:
        say(
            f"  hub {counted['hub'] / 1e6:.2f} M, baseline {counted['baseline'] / 1e6:.2f} M: "
            f"baseline / hub {counted['ratio']:.3f}"
        )
    return counted


def run(arguments: argparse.Namespace) -> dict[str, Any]:
    arguments.output.mkdir(parents=True, exist_ok=True)
    server_core, load_core = cores()
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as temporary:
        work_dir = Path(temporary)
        if arguments.data_dir is not None:
            dataset = data.Dataset(arguments.data_dir, arguments.posts, 0.0)
            say(f"using the prepared data in {arguments.data_dir}")
        else:
            say(f"hub migrate + hub demo --posts {arguments.posts} ...")
            dataset = data.prepare(work_dir / "data", arguments.posts)
            say(f"  ready in {dataset.seconds:.1f} s")
        os.environ.update(data.hub_environment(dataset.data_dir))
        hub_app = create_app()
        operations, missing = available_operations(hub_app, dataset.newest_slug())
        say("counting SQL statements per request (in-process) ...")
        sql = asyncio.run(sqlcount.count_statements(hub_app, dataset.database, operations))
        counted = count_instructions(dataset.data_dir, arguments)

        results_by_key: dict[str, dict[str, Any]] = {}
        generator = ""
        with ExitStack() as stack:
            probe = queries.front_page()
            servers = {
                name: stack.enter_context(
                    serve(name, dataset.data_dir, work_dir, probe, server_core)
                )
                for name in ("hub", "baseline")
            }
            say(
                "cold start: "
                + ", ".join(f"{n} {s.cold_start_seconds:.2f} s" for n, s in servers.items())
            )
            comparisons = []
            for operation in operations:
                if operation.persisted:
                    for server in servers.values():
                        answers.register_persisted(server.base_url, operation)
                hub_answer = answers.fetch(servers["hub"].base_url, operation)
                base_answer = answers.fetch(servers["baseline"].base_url, operation)
                compare = (
                    answers.compare_search if operation.key == "search" else answers.require_equal
                )
                comparisons.append(compare(operation, hub_answer, base_answer))
            say("answers checked: " + "; ".join(f"{c.operation}: {c.note}" for c in comparisons))

            for operation in operations:
                try:
                    runs, generator = measure(operation, servers, arguments, load_core, work_dir)
                except load.LoadError as error:
                    say(f"  {operation.label}: {error}")
                    results_by_key[operation.key] = {
                        "label": operation.label,
                        "available": False,
                        "reason": f"the load run failed: {error}",
                        "sql": sql[operation.key],
                    }
                    continue
                results_by_key[operation.key] = _operation_result(operation, runs, sql)
            front_ratio = results_by_key["front_page"].get("ratio", 0.0)
            profile: dict[str, Any] | None = None
            if arguments.profile == "always" or (arguments.profile == "auto" and front_ratio < 0.5):
                say(f"profiling the hub under front-page load ({arguments.profile_seconds} s) ...")
                profile = profile_hub(servers["hub"], arguments, load_core, work_dir)
            memory = {
                f"{name}_peak_rss_mb": server.peak_rss_bytes() / 1e6
                for name, server in servers.items()
            }
            cold_start = {f"{n}_seconds": s.cold_start_seconds for n, s in servers.items()}

        imported: dict[str, Any] | None = None
        if not arguments.skip_import:
            say(f"hub export + hub import of {arguments.posts} posts into a fresh database ...")
            result = data.import_throughput(dataset, work_dir)
            imported = {
                "posts": result.posts,
                "seconds": result.seconds,
                "file_bytes": result.file_bytes,
                "posts_per_second": result.posts_per_second,
            }

        dataset_figures = {
            "posts": arguments.posts,
            "rows": {t: dataset.count(t) for t in ("hub_post", "hub_person", "hub_post_author")},
            "prepare_seconds": dataset.seconds,
        }
    return {
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": report.machine(),
        "settings": {
            "duration": arguments.duration,
            "warmup": arguments.warmup,
            "rounds": arguments.rounds,
            "connections": arguments.connections,
            "max_requests": arguments.max_requests,
            "generator": generator,
            "pinned": (
                f"server on CPU {server_core}, load on CPU {load_core}"
                if server_core is not None
                else "no (fewer than 2 cores or no taskset)"
            ),
        },
        "dataset": dataset_figures,
        "answers": [c.as_dict() for c in comparisons],
        "operations": {**results_by_key, **missing},
        "cold_start": cold_start,
        "memory": memory,
        "instructions": counted,
        "import": imported,
        "profile": profile,
    }


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    started = time.perf_counter()
    try:
        results = run(arguments)
    except (data.BenchSetupError, ServerError, answers.AnswersDiffer, load.LoadError) as error:
        say(f"error: {error}")
        return 1
    written = report.write(results, arguments.output)
    print(report.markdown(results))
    if results["profile"]:
        print(profiling.describe(results["profile"]))
    say(f"done in {time.perf_counter() - started:.0f} s: " + ", ".join(map(str, written.values())))
    return 0
