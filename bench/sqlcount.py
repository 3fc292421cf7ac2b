"""Exact figures beside the timings: SQL statements per request, counted in-process.

Each operation is sent once to warm up and once counted, through the ASGI app itself (no
socket): the hub's statements are read from Tortoise's ``tortoise.db_client`` logger at DEBUG,
with the hub's own counter (``hub.testing.sql_statements``); each hand-written server counts the
statements it sends.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AsyncExitStack
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from bench import servers
from bench.handwritten import Store
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
    hub_app: Starlette, handwritten: Sequence[str], operations: Sequence[Operation]
) -> dict[str, dict[str, int]]:
    """``{operation key: {server: n}}`` for one request of each operation, on each server.

    The hand-written servers are made from the environment (``HUB_DATA_DIR``,
    ``HUB_DATABASE_URL``), as uvicorn makes them.
    """
    counts: dict[str, dict[str, int]] = {operation.key: {} for operation in operations}
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(LifespanManager(hub_app))
        hub = await stack.enter_async_context(_client(hub_app))
        for operation in operations:
            if operation.persisted:
                await hub.get(operation.path(with_document=True))
            await answer(hub, operation)
            with statements_logged() as log:
                await answer(hub, operation)
            counts[operation.key]["hub"] = len(log.statements)
        for name in handwritten:
            app = servers.factory(name)()
            await stack.enter_async_context(LifespanManager(app))
            store: Store = app.state.store
            client = await stack.enter_async_context(_client(app))
            for operation in operations:
                await answer(client, operation)
                before = store.statements
                await answer(client, operation)
                counts[operation.key][name] = store.statements - before
    return counts
