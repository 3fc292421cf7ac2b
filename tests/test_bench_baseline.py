"""The benchmark's baseline gives the hub's answers, so comparing their speed means something.

SQLite only: the aiosqlite baseline, kept beside the fastest server for the README's history
(`tests/test_bench_servers.py` checks every hand-written server, on both databases).
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import orjson
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette

from bench import baseline, queries
from bench.handwritten import Store
from bench.profiling import summarise
from bench.sqlcount import answer
from hub.content.models import PostStatus
from tests import factories


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite://{tmp_path / 'hub.sqlite3'}"


async def seed() -> None:
    """Posts with several authors (credited out of alphabetical order), themes and sections,
    plus posts an anonymous reader must not see."""
    germany = await factories.section(name="WILPF Germany", country_code="DE")
    cameroon = await factories.section(name="WILPF Cameroon", country_code="CM")
    zoe = await factories.person(name="Zoe Zulu", role="President")
    amina = await factories.person(name="Amina Abdi", role="Researcher")
    peace = await factories.theme(name="Peace")
    arms = await factories.theme(name="Arms trade")
    for n in range(25):
        await factories.post(
            slug=f"post-{n:02d}",
            excerpt=f"Excerpt {n}",
            authors=[zoe, amina] if n % 2 else [amina],
            themes=[peace, arms] if n % 3 else [],
            sections=[germany, cameroon] if n % 4 else [cameroon],
        )
    await factories.post(slug="a-draft", status=PostStatus.DRAFT, published_at=None)
    future = datetime.now(UTC) + timedelta(days=30)
    await factories.post(slug="scheduled", status=PostStatus.SCHEDULED, published_at=future)


@pytest.fixture
async def baseline_app(app: Starlette, settings: Any) -> AsyncIterator[Starlette]:
    """The baseline, started, over the hub's database once it holds :func:`seed`."""
    await seed()
    application = baseline.create_app(Path(settings.data_dir) / "hub.sqlite3")
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def base(baseline_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=baseline_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://baseline") as client:
        yield client


@pytest.mark.parametrize(
    "operation",
    [
        queries.front_page(),
        queries.front_page("GET"),
        queries.post_by_slug("post-07"),
        queries.post_by_slug("a-draft"),
        queries.post_by_slug("no-such-post"),
    ],
    ids=["front-page", "front-page-get", "post", "draft-is-hidden", "missing-post"],
)
async def test_baseline_answers_exactly_what_the_hub_answers(
    client: httpx.AsyncClient, base: httpx.AsyncClient, operation: queries.Operation
) -> None:
    hub_answer = await answer(client, operation)
    assert "errors" not in hub_answer
    assert await answer(base, operation) == hub_answer


async def test_front_page_is_newest_public_posts_with_their_relations(
    base: httpx.AsyncClient,
) -> None:
    body = await answer(base, queries.front_page())
    nodes = [edge["node"] for edge in body["data"]["posts"]["edges"]]
    assert [node["slug"] for node in nodes] == [f"post-{n:02d}" for n in range(24, 4, -1)]
    first = nodes[0]  # post-24: one author, no themes, one section
    assert first["authors"] == [{"name": "Amina Abdi", "role": "Researcher"}]
    assert first["themes"] == []
    assert first["sections"] == [{"name": "WILPF Cameroon", "countryCode": "CM"}]
    credited = nodes[1]  # post-23: credited Zoe first, themes and sections by name
    assert [author["name"] for author in credited["authors"]] == ["Zoe Zulu", "Amina Abdi"]
    assert credited["themes"] == [{"name": "Arms trade"}, {"name": "Peace"}]
    assert [s["countryCode"] for s in credited["sections"]] == ["CM", "DE"]


async def test_baseline_sends_two_statements_per_request(
    baseline_app: Starlette, base: httpx.AsyncClient
) -> None:
    store: Store = baseline_app.state.store
    for operation in (queries.front_page(), queries.post_by_slug("post-07")):
        before = store.statements
        await answer(base, operation)
        assert store.statements - before == 2, operation.label


async def test_unknown_operation_is_a_400_naming_the_known_ones(base: httpx.AsyncClient) -> None:
    response = await base.post("/graphql", json={"query": "{ x }", "operationName": "Other"})
    assert response.status_code == 400
    message = response.json()["errors"][0]["message"]
    assert "FrontPage" in message
    assert "'Other'" in message


def test_profile_summary_counts_inclusive_groups_and_self_time() -> None:
    collapsed = "\n".join(
        [
            "run (asyncio/runners.py:1);execute_field (graphql/execution/executor.py:2) 6",
            "run (asyncio/runners.py:1);load (hub/content/loaders.py:3);"
            "_make_query (tortoise/queryset.py:4) 3",
            "_connection_worker_thread (aiosqlite/core.py:5) 1",
            # The hub's own graphql package is the hub's, not graphql-core's; plugins too.
            "run (asyncio/runners.py:1);objects (hub/graphql/compiled_run.py:6) 1",
            "run (asyncio/runners.py:1);post (hub_delivery/middleware.py:7) 1",
        ]
    )
    profile = summarise(collapsed)
    assert profile.samples == 12
    assert profile.groups["graphql-core execution (per-field walk)"] == pytest.approx(0.5)
    assert profile.groups["hub compiled execution (planned documents)"] == pytest.approx(1 / 12)
    assert profile.groups["Tortoise ORM + pypika (SQL building, row handling)"] == pytest.approx(
        0.25
    )
    assert profile.groups["aiosqlite/sqlite3 (driver)"] == pytest.approx(1 / 12)
    assert profile.packages == pytest.approx(
        {
            "graphql-core": 0.5,
            "tortoise + pypika": 0.25,
            "aiosqlite + sqlite3": 1 / 12,
            "hub + plugins": 2 / 12,
        }
    )
    assert profile.top_self[0] == ("execute_field (graphql/execution/executor.py)", 0.5)


def test_persisted_get_sends_the_hash_and_the_document_only_to_register() -> None:
    operation = queries.persisted_front_page()
    sent = parse_qs(urlsplit(operation.path()).query)
    assert "query" not in sent
    assert orjson.loads(sent["extensions"][0]) == {
        "persistedQuery": {
            "version": 1,
            "sha256Hash": hashlib.sha256(queries.FRONT_PAGE.encode()).hexdigest(),
        }
    }
    registering = parse_qs(urlsplit(operation.path(with_document=True)).query)
    assert registering["query"] == [queries.FRONT_PAGE]
    assert registering["extensions"] == sent["extensions"]
