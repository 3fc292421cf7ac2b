"""``python -m bench``: prepare data, start the hub and the hand-written servers, check that
they answer alike, load each in turn, report."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
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
from bench import servers as servers_module
from bench.servers import ON_DATABASE, Server, ServerError, serve
from hub.app import create_app

RESULTS_DIR = Path(__file__).resolve().parent / "results"
#: The plugin that answers persisted queries and caches anonymous GETs.
DELIVERY_PLUGIN = "delivery"
PERSISTED_GET_REASON = "the delivery plugin (persisted queries, response cache) is not installed"
NO_POSTGRES_SEARCH = (
    "not measured on PostgreSQL: the plugin ranks with PostgreSQL's full-text search there, "
    "and the asyncpg server answers no search"
)
POSTGRES_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/test"


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--posts", type=int, default=2000, help="synthetic posts (hub demo)")
    parser.add_argument(
        "--database",
        choices=tuple(ON_DATABASE),
        default="sqlite",
        help="sqlite: the hub against stdlib sqlite3, aiosqlite and SQLite-built JSON servers; "
        "postgres: the hub against an asyncpg server, in a database made for the run",
    )
    parser.add_argument(
        "--postgres-admin-url",
        default=POSTGRES_ADMIN_URL,
        help="a PostgreSQL database to create (and drop) the run's database from",
    )
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
        help="py-spy the hub under front-page load (auto: when below 0.5x the yardstick)",
    )
    parser.add_argument("--profile-seconds", type=int, default=8)
    parser.add_argument("--skip-import", action="store_true", help="skip hub import throughput")
    parser.add_argument(
        "--skip-instructions",
        action="store_true",
        help="skip counting instructions per request under valgrind",
    )
    arguments = parser.parse_args(argv)
    if arguments.database == "postgres" and arguments.data_dir is not None:
        parser.error("--data-dir reuses SQLite data; a PostgreSQL run always makes its own")
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


def _median(runs: list[load.LoadResult]) -> dict[str, float | None]:
    cpu = [r.cpu_ms_per_request for r in runs if r.cpu_ms_per_request is not None]
    return {
        "requests_per_second": statistics.median(r.requests_per_second for r in runs),
        "p50_ms": statistics.median(r.p50_ms for r in runs),
        "p95_ms": statistics.median(r.p95_ms for r in runs),
        "p99_ms": statistics.median(r.p99_ms for r in runs),
        "cpu_ms_per_request": statistics.median(cpu) if cpu else None,
    }


def available_operations(
    hub_app: Any, slug: str, backend: str = "sqlite"
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
    if "search" in query_fields and backend == "postgres":
        missing["search"] = {"label": "search", "available": False, "reason": NO_POSTGRES_SEARCH}
    elif "search" in query_fields:
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
    operations.append(queries.typename())
    return operations, missing


def measure(
    operation: queries.Operation,
    servers: dict[str, Server],
    arguments: argparse.Namespace,
    load_core: int | None,
    work_dir: Path,
) -> tuple[dict[str, list[load.LoadResult]], dict[str, load.LoadResult], str]:
    """Each server's timed runs (in rounds) and its one-connection run."""
    runs: dict[str, list[load.LoadResult]] = {name: [] for name in servers}
    single: dict[str, load.LoadResult] = {}
    generator = ""

    def once(name: str, seconds: float, connections: int | None = None) -> load.LoadResult:
        nonlocal generator
        cpu_before = servers[name].cpu_seconds()
        result, generator = load.run_load(
            servers[name].port,
            operation,
            duration=seconds,
            connections=connections or arguments.connections,
            max_requests=arguments.max_requests,
            core=load_core,
            work_dir=work_dir,
        )
        cpu_ms = (servers[name].cpu_seconds() - cpu_before) * 1000 / result.requests
        return dataclasses.replace(result, cpu_ms_per_request=cpu_ms)

    if arguments.warmup > 0:
        for name in servers:
            once(name, arguments.warmup)
    # A B C A B C: whatever the machine's other work does to one round, it does to every side.
    for round_number in range(arguments.rounds):
        for name in servers:
            result = once(name, arguments.duration)
            runs[name].append(result)
            say(
                f"  {operation.label} round {round_number + 1} {name}: "
                f"{result.requests_per_second:,.0f} req/s, p99 {result.p99_ms:.1f} ms, "
                f"CPU {result.cpu_ms_per_request or 0:.2f} ms per request"
            )
    if arguments.single_duration > 0:
        # With one connection nothing queues: the latency of a request on its own.
        single = {name: once(name, arguments.single_duration, 1) for name in servers}
    return runs, single, generator


def _operation_result(
    operation: queries.Operation,
    runs: dict[str, list[load.LoadResult]],
    single: dict[str, load.LoadResult],
    sql: dict[str, int],
) -> dict[str, Any]:
    """Each server's figures; ``ratios[name]`` is the hub's requests/s over ``name``'s, the
    median of the rounds' ratios; ``ratio`` is the one against the yardstick."""
    hub_runs = runs["hub"]
    per_round = {
        name: [
            h.requests_per_second / other.requests_per_second
            for h, other in zip(hub_runs, others, strict=True)
        ]
        for name, others in runs.items()
        if name != "hub"
    }
    ratios = {name: statistics.median(values) for name, values in per_round.items()}
    yardstick = next(iter(per_round))
    return {
        "label": operation.label,
        "available": True,
        "servers": {
            name: {"runs": [r.as_dict() for r in results], "median": _median(results)}
            for name, results in runs.items()
        },
        "single_connection": {name: result.as_dict() for name, result in single.items()},
        "yardstick": yardstick,
        "ratio": ratios[yardstick],
        "ratios": ratios,
        "ratios_per_round": per_round,
        "sql": sql,
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


def count_instructions(
    environment: dict[str, str], names: tuple[str, ...], arguments: argparse.Namespace
) -> dict[str, Any]:
    if arguments.skip_instructions:
        return {"skipped": "--skip-instructions"}
    say("counting instructions per request under valgrind (in-process) ...")
    try:
        counted = instructions.count(environment, names)
    except (instructions.CountFailed, subprocess.TimeoutExpired) as error:
        say(f"  {error}")
        return {"skipped": f"the count failed: {error}"}
    if "skipped" in counted:
        say(f"  skipped: {counted['skipped']}")
        return counted
    for operation, figures in counted.items():
        say(f"  {operation}: " + ", ".join(f"{n} {c / 1e6:.2f} M" for n, c in figures.items()))
    return counted


def run(arguments: argparse.Namespace) -> dict[str, Any]:
    arguments.output.mkdir(parents=True, exist_ok=True)
    with ExitStack() as resources:
        database_url = None
        if arguments.database == "postgres":
            database_url = resources.enter_context(
                data.fresh_postgres_database(arguments.postgres_admin_url)
            )
        return _run(arguments, database_url)


def _run(arguments: argparse.Namespace, database_url: str | None) -> dict[str, Any]:
    server_core, load_core = cores()
    names = ON_DATABASE[arguments.database]
    with tempfile.TemporaryDirectory(prefix="hub-bench-") as temporary:
        work_dir = Path(temporary)
        if arguments.data_dir is not None:
            dataset = data.Dataset(arguments.data_dir, arguments.posts, 0.0)
            say(f"using the prepared data in {arguments.data_dir}")
        else:
            where = "a fresh PostgreSQL database" if database_url else "a fresh SQLite file"
            say(f"hub migrate + hub demo --posts {arguments.posts} into {where} ...")
            dataset = data.prepare(work_dir / "data", arguments.posts, database_url)
            say(f"  ready in {dataset.seconds:.1f} s")
        environment = dataset.environment()
        os.environ.update(environment)
        hub_app = create_app()
        operations, missing = available_operations(hub_app, dataset.newest_slug(), dataset.backend)
        say("counting SQL statements per request (in-process) ...")
        sql = asyncio.run(sqlcount.count_statements(hub_app, names[1:], operations))
        counted = count_instructions(environment, names, arguments)

        results_by_key: dict[str, dict[str, Any]] = {}
        generator = ""
        with ExitStack() as stack:
            probe = queries.front_page()
            servers = {
                name: stack.enter_context(serve(name, environment, work_dir, probe, server_core))
                for name in names
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
                by_server = {
                    name: answers.fetch(server.base_url, operation)
                    for name, server in servers.items()
                }
                comparisons += answers.check(operation, by_server)
            say(
                "answers checked: "
                + "; ".join(f"{c.operation} ({c.server}): {c.note}" for c in comparisons)
            )

            for operation in operations:
                try:
                    runs, single, generator = measure(
                        operation, servers, arguments, load_core, work_dir
                    )
                except load.LoadError as error:
                    say(f"  {operation.label}: {error}")
                    results_by_key[operation.key] = {
                        "label": operation.label,
                        "available": False,
                        "reason": f"the load run failed: {error}",
                        "sql": sql[operation.key],
                    }
                    continue
                results_by_key[operation.key] = _operation_result(
                    operation, runs, single, sql[operation.key]
                )
            front_ratio = results_by_key["front_page"].get("ratio", 0.0)
            profile: dict[str, Any] | None = None
            if arguments.profile == "always" or (arguments.profile == "auto" and front_ratio < 0.5):
                say(f"profiling the hub under front-page load ({arguments.profile_seconds} s) ...")
                profile = profile_hub(servers["hub"], arguments, load_core, work_dir)
            memory = {name: server.peak_rss_bytes() / 1e6 for name, server in servers.items()}
            cold_start = {name: server.cold_start_seconds for name, server in servers.items()}

        imported: dict[str, Any] | None = None
        if not arguments.skip_import and dataset.backend == "sqlite":
            say(f"hub export + hub import of {arguments.posts} posts into a fresh database ...")
            result = data.import_throughput(dataset, work_dir)
            imported = {
                "posts": result.posts,
                "seconds": result.seconds,
                "file_bytes": result.file_bytes,
                "posts_per_second": result.posts_per_second,
                "peak_rss_bytes": result.peak_rss_bytes,
            }

        dataset_figures = {
            "posts": arguments.posts,
            "rows": {t: dataset.count(t) for t in ("hub_post", "hub_person", "hub_post_author")},
            "prepare_seconds": dataset.seconds,
        }
    return {
        "finished_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": report.machine(),
        "database": arguments.database,
        "servers": {name: servers_module.DESCRIPTIONS[name] for name in names},
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
        "cold_start_seconds": cold_start,
        "peak_rss_mb": memory,
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
