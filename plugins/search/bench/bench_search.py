"""Benchmark: a two-word search with snippets and facets over N demo posts.

    HUB_DATA_DIR=/tmp/bench python plugins/search/bench/bench_search.py --posts 100000

Loads ``hub demo --posts N`` into a fresh database (unless ``--reuse``), runs
``hub search reindex``, then sends each query through the whole ASGI app (GraphQL parsing,
validation, resolvers, SQL) in-process and prints p50/p95 per query and over all, and the
query plan of the statement answering a page with its facets (EXPLAIN ANALYZE on PostgreSQL).
Set HUB_DATABASE_URL to benchmark PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager
from hub_search.backends.base import SearchFilters, SearchRequest
from hub_search.backends.postgres import PostgresBackend
from hub_search.backends.sqlite import SQLiteBackend
from hub_search.query import parse_query
from hub_search.reach import facet_sources
from tortoise import connections

from hub import content_types
from hub.app import create_app
from hub.plugins import get_plugin_manager
from hub.settings import Settings

SEARCH = """
query Bench($q: String!) {
  search(query: $q, first: 10) {
    edges { score titleHighlight snippets node { __typename ... on Post { slug title } } }
    facets { exhaustive types { value count } themes { value count } sections { value count } }
  }
}
"""

#: From rare to matching most posts of the demo content.
QUERIES = (
    "climate justice",
    "nuclear weapons",
    "arms trade",
    "women peacekeeping",
    "disarmament conference",
    "peace women",
)


def hub_command(*args: str) -> None:
    hub = Path(sys.executable).with_name("hub")
    subprocess.run([str(hub), *args], check=True)


def bench_request() -> SearchRequest:
    """What the app asks the backend for the bench query "peace women", anonymously."""
    types = ("Post", "Person", "Section", "Event")
    declared = content_types(get_plugin_manager(), Settings.from_env())
    return SearchRequest(
        parse_query("peace women"),
        SearchFilters(types=types, every_type=True),
        include_unpublished=False,
        now=datetime.now(UTC),
        rank_window=1000,
        # The theme and section facets reach what the declarations link (as in the app).
        sources=facet_sources(declared, frozenset(types)),
    )


async def plan(settings: Settings) -> list[str]:
    """The plan of the statement answering a page with its facets (executed on PostgreSQL)."""
    connection = connections.get("default")
    if settings.is_sqlite:
        sql, values = SQLiteBackend().page_and_facets_sql(bench_request(), 11, 0)
        rows = await connection.execute_query_dict(f"EXPLAIN QUERY PLAN {sql}", values)
        return [row["detail"] for row in rows]
    sql, values = PostgresBackend().page_sql(bench_request(), 11, 0)
    rows = await connection.execute_query_dict(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", values)
    return [row["QUERY PLAN"] for row in rows]


async def measure(settings: Settings, rounds: int) -> None:
    app = create_app(settings)
    async with LifespanManager(app):
        print("query plan of the page statement:")
        for line in await plan(settings):
            print("   ", line)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            every: list[float] = []
            for query in QUERIES:
                timings = []
                for round_number in range(rounds + 3):
                    started = time.perf_counter()
                    response = await client.post(
                        "/graphql", json={"query": SEARCH, "variables": {"q": query}}
                    )
                    elapsed = (time.perf_counter() - started) * 1000
                    body = response.json()
                    if "errors" in body:
                        raise SystemExit(f"{query!r} failed: {body['errors']}")
                    if round_number >= 3:  # the first rounds warm the caches
                        timings.append(elapsed)
                every.extend(timings)
                facets = body["data"]["search"]["facets"]
                matched = sum(value["count"] for value in facets["types"])
                print(
                    f"{query!r:28} p50 {percentile(timings, 50):6.1f} ms   "
                    f"p95 {percentile(timings, 95):6.1f} ms   "
                    f"{matched:>6} {'matches' if facets['exhaustive'] else 'in rank window'}"
                )
            print(
                f"{'all queries':28} p50 {percentile(every, 50):6.1f} ms   "
                f"p95 {percentile(every, 95):6.1f} ms   ({len(every)} requests)"
            )


def percentile(values: list[float], which: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[which - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="Keep the database and its index.")
    args = parser.parse_args()
    if not args.reuse:
        hub_command("migrate")
        hub_command("demo", "--posts", str(args.posts), "--if-empty")
        hub_command("search", "reindex")
    settings = Settings.from_env()
    print(f"database: {settings.database_url.split('@')[-1]}  ({os.cpu_count()} CPUs)")
    asyncio.run(measure(settings, args.rounds))


if __name__ == "__main__":
    main()
