"""500 concurrent webhook deliveries against a running server: the totals stay exact.

A real ``hub serve`` (uvicorn in a subprocess on 127.0.0.1) with the installed plugins, on
SQLite and on PostgreSQL; donations are started through ``startDonation`` against the Stripe
double, then 400 distinct events and 100 redeliveries (20 %) arrive shuffled, 50 at a time:
refunds before successes, failures before successes, partial refunds.
"""

from __future__ import annotations

import asyncio
import random
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from hub_donations.demo import DEMO_CAMPAIGN_SLUG

from tests.conftest import (
    POSTGRES_ADMIN_DB,
    POSTGRES_HOST,
    POSTGRES_PORT,
    POSTGRES_USER,
    postgres_reachable,
    skip_or_fail,
)
from tests.live_server import HUB_CLI, LiveServer, hub_environment, live_server
from tests.test_donations_support import (
    API_KEY,
    WEBHOOK_SECRET,
    failed,
    fake_stripe_thread,
    refunded,
    signed_headers,
    succeeded,
)

pytestmark = pytest.mark.live

DONATIONS = 250
FAILING_ONLY = 25  # never paid
REFUNDED_FULLY, REFUNDED_PARTLY = 25, 25
FAILED_FIRST = 100  # a failed attempt before the payment that worked
DUPLICATES = 100
CONCURRENCY = 50
START = """mutation($input: StartDonationInput!) {
  startDonation(input: $input) { errors { code message } reference }
}"""


@dataclass
class Expected:
    raised: int = 0
    donation_count: int = 0


def plan(references: dict[str, int], rng: random.Random) -> tuple[list[bytes], Expected]:
    """The 400 distinct deliveries, 100 of them again, shuffled; and the totals they must give."""
    events: list[bytes] = []
    expected = Expected()
    for number, (intent, amount) in enumerate(references.items()):
        if number < FAILING_ONLY:
            events.append(failed(f"evt_{intent}_failed", intent))
            continue
        events.append(succeeded(f"evt_{intent}_ok", intent))
        refund = 0
        kind = number - FAILING_ONLY
        if kind < REFUNDED_FULLY:
            refund = amount
        elif kind < REFUNDED_FULLY + REFUNDED_PARTLY:
            refund = amount // 3
        if refund:
            events.append(refunded(f"evt_{intent}_refund", intent, refund))
        if number >= DONATIONS - FAILED_FIRST:
            events.append(failed(f"evt_{intent}_declined", intent))
        expected.raised += amount - refund
        expected.donation_count += 1 if refund < amount else 0
    assert len(events) == 400
    deliveries = events + rng.sample(events, DUPLICATES)
    rng.shuffle(deliveries)
    return deliveries, expected


async def start_donations(http: httpx.AsyncClient, rng: random.Random) -> dict[str, int]:
    gate = asyncio.Semaphore(20)
    amounts = [rng.randint(100, 50_000) for _ in range(DONATIONS)]

    async def one(amount: int) -> tuple[str, int]:
        variables = {"input": {"campaign": DEMO_CAMPAIGN_SLUG, "amount": amount,
                               "currency": "CHF", "provider": "stripe"}}  # fmt: skip
        async with gate:
            response = await http.post("/graphql", json={"query": START, "variables": variables})
        result = response.json()["data"]["startDonation"]
        assert result["errors"] == [], result
        return result["reference"], amount

    return dict(await asyncio.gather(*(one(amount) for amount in amounts)))


async def fire(http: httpx.AsyncClient, deliveries: list[bytes]) -> list[httpx.Response]:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(payload: bytes) -> httpx.Response:
        async with gate:
            return await http.post(
                "/donations/webhooks/stripe", content=payload, headers=signed_headers(payload)
            )

    return await asyncio.gather(*(one(payload) for payload in deliveries))


async def campaign_totals(http: httpx.AsyncClient) -> dict[str, Any]:
    query = f'{{ campaign(slug: "{DEMO_CAMPAIGN_SLUG}") {{ raised {{ amount }} donationCount }} }}'
    data: dict[str, Any] = (await http.post("/graphql", json={"query": query})).json()["data"]
    campaign: dict[str, Any] = data["campaign"]
    return campaign


def load_demo(server_env: dict[str, str]) -> None:
    completed = subprocess.run(
        [*HUB_CLI, "demo"], env=server_env, capture_output=True, text=True, timeout=120, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


async def run_load(server: LiveServer, server_env: dict[str, str]) -> None:
    load_demo(server_env)
    rng = random.Random(500)
    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30, limits=limits) as http:
        references = await start_donations(http, rng)
        deliveries, expected = plan(references, rng)
        started = time.perf_counter()
        responses = await fire(http, deliveries)
        elapsed = time.perf_counter() - started
        totals = await campaign_totals(http)
    statuses = Counter(response.status_code for response in responses)
    outcomes = Counter(
        outcome for response in responses if response.status_code == 200
        for outcome in response.json()["outcomes"]
    )  # fmt: skip
    print(
        f"\n{len(deliveries)} deliveries in {elapsed:.2f}s ({len(deliveries) / elapsed:.0f}/s), "
        f"concurrency {CONCURRENCY}: HTTP {dict(statuses)}, outcomes {dict(outcomes)}; "
        f"raised {totals['raised']['amount']} (expected {expected.raised}), "
        f"donations {totals['donationCount']} (expected {expected.donation_count})"
    )
    assert statuses == {200: len(deliveries)}, [r.text for r in responses if r.status_code != 200]
    assert outcomes["duplicate"] == DUPLICATES
    assert outcomes["applied"] + outcomes["unchanged"] == len(deliveries) - DUPLICATES
    assert totals == {
        "raised": {"amount": expected.raised}, "donationCount": expected.donation_count,
    }  # fmt: skip
    log = server.log()
    assert "database is locked" not in log
    assert "Traceback" not in log


def server_settings(api_base: str, **extra: str) -> dict[str, str]:
    return {
        "HUB_DONATIONS_STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "HUB_DONATIONS_STRIPE_API_KEY": API_KEY,
        "HUB_DONATIONS_STRIPE_API_BASE": api_base,
        **extra,
    }


def test_exact_totals_under_concurrent_deliveries_on_sqlite(tmp_path: Path) -> None:
    with fake_stripe_thread() as api_base:
        settings = server_settings(api_base)
        with live_server(tmp_path, settings) as server:
            asyncio.run(run_load(server, hub_environment(tmp_path, settings)))


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    if not postgres_reachable():
        skip_or_fail("postgres", f"PostgreSQL is not reachable on {POSTGRES_HOST}:{POSTGRES_PORT}")
    name = f"hub_load_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(
        host=POSTGRES_HOST, port=POSTGRES_PORT, user=POSTGRES_USER, database=POSTGRES_ADMIN_DB
    )
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield f"postgres://{POSTGRES_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_exact_totals_under_concurrent_deliveries_on_postgres(
    tmp_path: Path, postgres_url: str
) -> None:
    with fake_stripe_thread() as api_base:
        settings = server_settings(api_base, HUB_DATABASE_URL=postgres_url)
        # The server and the Stripe double run elsewhere; this loop only sends requests.
        with live_server(tmp_path, settings) as server:
            await run_load(server, hub_environment(tmp_path, settings))
