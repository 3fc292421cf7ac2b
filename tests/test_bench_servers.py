"""Every hand-written server gives the hub's answers, so the benchmark's ratios mean something;
a server that answers differently stops the run before any timing."""

from __future__ import annotations

import sqlite3
from contextlib import AsyncExitStack, closing
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from bench import answers, asyncpg_server, baseline, fastest, fastest_json, queries, servers
from bench.data import hub_environment
from bench.handwritten import Store
from bench.sqlcount import answer
from tests.conftest import only_postgres, only_sqlite
from tests.test_bench_baseline import seed

#: What the benchmark sends, and the cases a reader must not see (a draft, a missing post).
OPERATIONS = [
    queries.front_page(),
    queries.front_page("GET"),
    queries.post_by_slug("post-07"),
    queries.post_by_slug("a-draft"),
    queries.post_by_slug("no-such-post"),
    queries.typename(),
]
#: Statements per request of each server: the page (or post) and its relations, or one that
#: builds the whole answer; one when there is no post to relate; none for ``{ __typename }``.
STATEMENTS = {"sqlite3": 2, "aiosqlite": 2, "sqlite3-json": 1, "asyncpg": 2}


def sqlite_server(name: str, database: Path) -> Starlette:
    makers = {
        "sqlite3": fastest.create_app,
        "aiosqlite": baseline.create_app,
        "sqlite3-json": fastest_json.create_app,
    }
    return makers[name](database)


def asgi_client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")


async def assert_same_answers_and_statements(
    hub: httpx.AsyncClient, name: str, app: Starlette
) -> None:
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(LifespanManager(app))
        client = await stack.enter_async_context(asgi_client(app))
        store: Store = app.state.store
        for operation in OPERATIONS:
            hub_answer = await answer(hub, operation)
            before = store.statements
            comparisons = answers.check(
                operation, {"hub": hub_answer, name: await answer(client, operation)}
            )
            assert [c.equal for c in comparisons] == [True], operation.label
            found = operation.key != "post" or hub_answer["data"]["post"] is not None
            expected = 0 if operation.key == "typename" else STATEMENTS[name] if found else 1
            assert store.statements - before == expected, operation.label


@only_sqlite
@pytest.mark.parametrize("name", ["sqlite3", "sqlite3-json", "aiosqlite"])
async def test_sqlite_servers_answer_exactly_what_the_hub_answers(
    client: httpx.AsyncClient, settings: Any, name: str
) -> None:
    await seed()
    database = Path(settings.data_dir) / "hub.sqlite3"
    await assert_same_answers_and_statements(client, name, sqlite_server(name, database))


@only_postgres
async def test_asyncpg_server_answers_exactly_what_the_hub_answers(
    client: httpx.AsyncClient, database_url: str
) -> None:
    await seed()
    app = asyncpg_server.create_app(database_url)
    await assert_same_answers_and_statements(client, "asyncpg", app)


@only_sqlite
async def test_a_server_answering_differently_stops_the_run(
    client: httpx.AsyncClient, settings: Any, tmp_path: Path
) -> None:
    await seed()
    altered = tmp_path / "altered" / "hub.sqlite3"
    altered.parent.mkdir()
    source = sqlite3.connect(Path(settings.data_dir) / "hub.sqlite3")
    with closing(source), closing(sqlite3.connect(altered)) as copy:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = wal")
        copy.execute("UPDATE hub_post SET title = 'Not the hub''s title' WHERE slug = 'post-20'")
        copy.commit()
    operation = queries.front_page()
    hub_answer = await answer(client, operation)
    by_server = {"hub": hub_answer}
    for name, database in (
        ("sqlite3", Path(settings.data_dir) / "hub.sqlite3"),
        ("sqlite3-json", altered),
    ):
        app = sqlite_server(name, database)
        async with LifespanManager(app), asgi_client(app) as server:
            by_server[name] = await answer(server, operation)
    with pytest.raises(
        answers.AnswersDiffer, match="the hub and sqlite3-json answer differently"
    ) as raised:
        answers.check(operation, by_server)
    assert "Not the hub's title" in str(raised.value)


@only_sqlite
async def test_a_served_servers_cpu_time_grows_with_the_requests_it_answers(
    client: httpx.AsyncClient, settings: Any, tmp_path: Path
) -> None:
    await seed()
    environment = hub_environment(Path(settings.data_dir))
    operation = queries.front_page()
    with servers.serve("sqlite3", environment, tmp_path, operation, None) as server:
        before = server.cpu_seconds()
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            for _ in range(300):
                await answer(http, operation)
        used = server.cpu_seconds() - before
    # 300 front pages of 20 posts cost the server tens of milliseconds at least, not seconds.
    assert 0.01 < used < 10
