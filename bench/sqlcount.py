"""Exact figures beside the timings: SQL statements per request, counted in-process.

Each operation is sent once to warm up and once counted, through the ASGI app itself (no
socket): the hub's statements are read from Tortoise's ``tortoise.db_client`` logger at DEBUG,
with the hub's own counter (``hub.testing.sql_statements``); the baseline counts the statements
it sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from bench import baseline
from bench.queries import Operation
from hub.sql_statements import statements_logged


async def answer(client: httpx.AsyncClient, operation: Operation) -> Any:
    """The decoded JSON answer of ``operation``, which must be a 200."""
    response = await client.request(
        operation.method,
        operation.path(),
        content=operation.body() if operation.method == "POST" else None,
        headers={"content-type": "application/json", "accept": "application/json"},
    )
    if response.status_code != 200:
        raise RuntimeError(f"{operation.label}: HTTP {response.status_code}: {response.text}")
    return response.json()


def _client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")


async def count_statements(
    hub_app: Starlette, database: Path, operations: Sequence[Operation]
) -> dict[str, dict[str, int]]:
    """``{operation key: {"hub": n, "baseline": n}}`` for one request of each operation."""
    counts: dict[str, dict[str, int]] = {}
    baseline_app = baseline.create_app(database)
    async with LifespanManager(hub_app), LifespanManager(baseline_app):
        store: baseline.Store = baseline_app.state.store
        async with _client(hub_app) as hub, _client(baseline_app) as base:
            for operation in operations:
                if operation.persisted:
                    await hub.get(operation.path(with_document=True))
                await answer(hub, operation)
                with statements_logged() as log:
                    await answer(hub, operation)
                await answer(base, operation)
                before = store.statements
                await answer(base, operation)
                counts[operation.key] = {
                    "hub": len(log.statements),
                    "baseline": store.statements - before,
                }
    return counts
