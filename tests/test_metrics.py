"""``/metrics``: GraphQL requests by operation, response cache outcomes and SQL, for Prometheus."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import hub_delivery.plugin
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from hub import metrics
from hub.settings import Settings
from tests.conftest import SQLCounter

FRONT_PAGE = "query FrontPage { posts(first: 2) { edges { node { title } } } }"
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


@pytest.fixture
def metrics_setting() -> str:
    return "on"


@pytest.fixture
def settings(database_url: str, tmp_path: Path, metrics_setting: str) -> Settings:
    return Settings(
        data_dir=tmp_path, database_url=database_url, extra={"HUB_METRICS": metrics_setting}
    )


async def scrape(client: httpx.AsyncClient, **headers: str) -> Samples:
    response = await client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.mark.parametrize("metrics_setting", ["off"])
async def test_metrics_are_not_served_by_default(client: httpx.AsyncClient) -> None:
    assert (await client.get("/metrics")).status_code == 404


@pytest.mark.parametrize("metrics_setting", ["s3cret-scraper-token"])
async def test_a_metrics_token_is_required_when_set(client: httpx.AsyncClient) -> None:
    refused = await client.get("/metrics")
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"].startswith("Bearer")
    wrong = await client.get("/metrics", headers={"authorization": "Bearer nope"})
    assert wrong.status_code == 401
    await scrape(client, authorization="Bearer s3cret-scraper-token")


async def test_requests_are_counted_and_timed_by_operation_name(
    client: httpx.AsyncClient,
) -> None:
    before = await scrape(client)
    for query in (FRONT_PAGE, FRONT_PAGE, "{ posts(first: 1) { edges { node { id } } } }"):
        assert (await client.post("/graphql", json={"query": query})).status_code == 200
    assert (await client.post("/graphql", content=b"{not json")).status_code == 400
    after = await scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    requests = "hub_graphql_requests_total"
    assert grew(requests, operation="FrontPage", status="200") == 2
    assert grew(requests, operation="(anonymous)", status="200") == 1
    assert grew(requests, operation="(none)", status="400") == 1
    latency = "hub_graphql_request_duration_seconds_count"
    assert grew(latency, operation="FrontPage") == 2


async def test_operation_names_beyond_the_bound_count_as_other(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(metrics, "_seen_names", set())
    monkeypatch.setattr(metrics, "MAX_OPERATION_NAMES", 3)
    for number in range(5):
        query = f"query Name{number} {{ __typename }}"
        assert (await client.post("/graphql", json={"query": query})).status_code == 200
    samples = await scrape(client)
    named = {
        dict(labels)["operation"]
        for (name, labels), _ in samples.items()
        if name == "hub_graphql_requests_total" and dict(labels)["operation"].startswith("Name")
    }
    assert named == {"Name0", "Name1", "Name2"}
    assert value(samples, "hub_graphql_requests_total", operation="(other)", status="200") >= 2


async def test_sql_statements_are_counted_and_timed(
    client: httpx.AsyncClient, sql_counter: SQLCounter
) -> None:
    before = await scrape(client)
    sql_counter.reset()
    response = await client.post("/graphql", json={"query": FRONT_PAGE})
    assert response.status_code == 200
    statements = sql_counter.count
    after = await scrape(client)
    assert statements > 0
    name = "hub_sql_statement_duration_seconds"
    assert value(after, f"{name}_count") - value(before, f"{name}_count") == statements
    assert value(after, f"{name}_sum") > value(before, f"{name}_sum")


@pytest.fixture
def extra_plugins() -> list[object]:
    return []


@pytest.mark.parametrize("extra_plugins", [[hub_delivery.plugin]])
async def test_response_cache_hits_and_misses_are_counted(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    before = await scrape(client)
    for _ in range(3):
        response = await client.get("/graphql", params={"query": FRONT_PAGE})
        assert response.status_code == 200
    after = await scrape(client)
    lookups = "hub_response_cache_lookups_total"
    assert value(after, lookups, outcome="miss") - value(before, lookups, outcome="miss") == 1
    assert value(after, lookups, outcome="hit") - value(before, lookups, outcome="hit") == 2
    requests = "hub_graphql_requests_total"
    counted = value(after, requests, operation="FrontPage", status="200") - value(
        before, requests, operation="FrontPage", status="200"
    )
    assert counted == 3  # answers from the cache are counted under their operation too


COUNT_ONE = """
from hub import metrics
metrics.GRAPHQL_REQUESTS.labels(operation="Worker", status="200").inc()
"""
EXPOSE = """
import sys
from hub.ops.metrics import exposition
sys.stdout.write(exposition().decode())
"""


def run_python(code: str, environ: dict[str, Any]) -> str:
    completed = subprocess.run(
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True
    )
    return completed.stdout


def test_multiprocess_mode_sums_every_workers_values(tmp_path: Path) -> None:
    environ = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    run_python(COUNT_ONE, environ)
    run_python(COUNT_ONE, environ)
    exposed = run_python(EXPOSE, environ)
    samples = {
        (sample.name, sample.labels.get("operation")): sample.value
        for family in text_string_to_metric_families(exposed)
        for sample in family.samples
    }
    assert samples[("hub_graphql_requests_total", "Worker")] == 2
