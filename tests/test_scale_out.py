"""Several ``hub serve`` processes on one database and one Redis answer as one hub.

Real uvicorn processes, real Redis and PostgreSQL (or SQLite, which several processes on one
machine may share): what a client does through one worker holds on every other.
"""

from __future__ import annotations

import hashlib
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from hub.fanout import CHANNEL
from hub.settings import Settings
from tests.cluster import (
    editor_token,
    import_before_serving,
    import_file,
    import_here,
    live_workers,
    redis_or_skip,
    run_hub,
)
from tests.live_server import LiveServer, LiveServerError
from tests.test_content_events_fanout import document

TITLE_QUERY = 'query Title { post(slug: "post-0") { title } }'
TITLE_HASH = hashlib.sha256(TITLE_QUERY.encode()).hexdigest()
#: Seconds after its time by which a scheduled post shows everywhere (the leader's timer wakes
#: at the time; the rest is the purge's way to every worker, milliseconds).
SCHEDULE_DELAY = 2.0


def by_hash(sha256: str) -> dict[str, str]:
    return {"extensions": json.dumps({"persistedQuery": {"version": 1, "sha256Hash": sha256}})}


@pytest.fixture
def cluster(database_url: str, tmp_path: Path) -> dict[str, str]:
    """The settings of a hub whose workers share a database and Redis, with one post in it."""
    settings = {
        "HUB_DATABASE_URL": database_url,
        "HUB_REDIS_URL": redis_or_skip(),
        "HUB_DELIVERY_MAX_AGE": "600",
    }
    import_before_serving(tmp_path, settings, document(posts=1))
    return settings


def test_a_persisted_query_sent_to_one_worker_runs_on_another(
    cluster: dict[str, str], tmp_path: Path
) -> None:
    with live_workers(tmp_path, cluster, 2) as (first, second):
        unknown = httpx.get(second.graphql_url, params=by_hash(TITLE_HASH))
        assert unknown.json()["errors"][0]["message"] == "PersistedQueryNotFound"
        sent = httpx.get(first.graphql_url, params={"query": TITLE_QUERY, **by_hash(TITLE_HASH)})
        assert sent.json() == {"data": {"post": {"title": "Post 0"}}}
        elsewhere = httpx.get(second.graphql_url, params=by_hash(TITLE_HASH))
        assert elsewhere.json() == {"data": {"post": {"title": "Post 0"}}}


def test_an_operation_registered_while_serving_runs_on_every_worker(
    cluster: dict[str, str], tmp_path: Path
) -> None:
    settings = {**cluster, "HUB_DELIVERY_ALLOWLIST": "1"}
    operation = tmp_path / "title.graphql"
    operation.write_text(TITLE_QUERY, encoding="utf-8")
    with live_workers(tmp_path, settings, 2) as workers:
        refused = httpx.get(workers[0].graphql_url, params=by_hash(TITLE_HASH))
        assert refused.json()["errors"][0]["extensions"]["code"] == "OPERATION_NOT_REGISTERED"
        run_hub(tmp_path, settings, "queries", "register", str(operation))
        answers: list[Any] = [
            httpx.get(worker.graphql_url, params=by_hash(TITLE_HASH)).json() for worker in workers
        ]
        assert answers == [{"data": {"post": {"title": "Post 0"}}}] * 2


def scheduled(slug: str, at: datetime) -> dict[str, Any]:
    return {
        "version": 1,
        "posts": [
            {
                "slug": slug,
                "title": slug.title(),
                "status": "scheduled",
                "published_at": at.isoformat(),
            }
        ],
    }


def test_a_scheduled_post_shows_on_every_worker_once_its_time_comes(
    cluster: dict[str, str], tmp_path: Path
) -> None:
    start = datetime.now(UTC)
    # One scheduled before the workers start (read at start-up), one while they serve (heard).
    # The margins leave room for two workers starting on a loaded two-core machine.
    first_due = start + timedelta(seconds=40)
    import_here(tmp_path, cluster, scheduled("before-start", first_due))
    namespace = Settings(database_url=cluster["HUB_DATABASE_URL"]).shared_namespace
    with (
        redis.Redis.from_url(cluster["HUB_REDIS_URL"]) as client,
        client.pubsub() as channel,
        live_workers(tmp_path, cluster, 2) as workers,
    ):
        channel.subscribe(f"{CHANNEL}:{namespace}")
        # `hub import` in a process of its own: its start alone took over 10 s in a loaded CI run.
        due = datetime.now(UTC) + timedelta(seconds=25)
        import_file(tmp_path, cluster, scheduled("while-serving", due))
        assert datetime.now(UTC) < min(due, first_due), "too slow a start to see the posts due"
        due = max(due, first_due)
        query = {"query": "{ posts { edges { node { slug } } } }"}

        def slugs(worker: LiveServer) -> list[str]:
            answer = httpx.get(worker.graphql_url, params=query).json()
            return sorted(edge["node"]["slug"] for edge in answer["data"]["posts"]["edges"])

        # Cached for 600 seconds, without the two posts.
        assert [slugs(worker) for worker in workers] == [["post-0"], ["post-0"]]
        while datetime.now(UTC) < due:
            time.sleep(0.2)
        deadline = time.monotonic() + SCHEDULE_DELAY
        expected = ["before-start", "post-0", "while-serving"]
        while [slugs(worker) for worker in workers] != [expected, expected]:
            assert time.monotonic() < deadline, [slugs(worker) for worker in workers]
            time.sleep(0.1)
        # Announced once, by the leader, though both workers keep the schedule.
        announced = []
        while (message := channel.get_message(timeout=0.5)) is not None:
            if message["type"] == "message":
                events = json.loads(message["data"])["events"]
                announced += [e["slug"] for e in events if e["kind"] == "post.published"]
        assert sorted(announced) == ["before-start", "while-serving"]


#: Seconds after a mutation answered by which every worker answers the new content: the
#: mutation's process publishes its events before answering; the others purge on hearing them
#: (milliseconds on one machine, `make bench-purge` measures it).
PURGE_DELAY = 1.0

POST_QUERY = {"query": '{ post(slug: "post-0") { title } }'}
RETITLE = """
mutation($input: UpdatePostInput!) { updatePost(input: $input) { errors { message } } }"""


def title_on(worker: LiveServer) -> str:
    title: str = httpx.get(worker.graphql_url, params=POST_QUERY).json()["data"]["post"]["title"]
    return title


def retitle(worker: LiveServer, token: str, title: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    found = httpx.post(
        worker.graphql_url,
        json={"query": '{ post(slug: "post-0") { id version } }'},
        headers=headers,
    ).json()["data"]["post"]
    changed = httpx.post(
        worker.graphql_url,
        json={"query": RETITLE, "variables": {"input": {**found, "title": title}}},
        headers=headers,
    ).json()
    assert changed == {"data": {"updatePost": {"errors": []}}}, changed


def seconds_until_every_worker_answers(workers: list[LiveServer], title: str) -> float:
    started = time.monotonic()
    while any(title_on(worker) != title for worker in workers):
        assert time.monotonic() - started < PURGE_DELAY, [title_on(w) for w in workers]
    return time.monotonic() - started


def test_a_change_through_one_worker_reaches_every_workers_cache(
    cluster: dict[str, str], tmp_path: Path
) -> None:
    token = editor_token(tmp_path, cluster)
    with live_workers(tmp_path, cluster, 3) as workers:
        assert [title_on(worker) for worker in workers] == ["Post 0"] * 3  # now cached, 600 s
        retitle(workers[0], token, "Retitled")
        seconds_until_every_worker_answers(workers, "Retitled")


def test_hub_serve_runs_workers_that_all_hear_hub_import(
    cluster: dict[str, str], tmp_path: Path
) -> None:
    with live_workers(tmp_path, cluster, 1, "--workers", "3") as (server,):
        # Workers start one by one: on a busy machine the first answers before the others run.
        deadline = time.monotonic() + 60
        while server.log().count("Application startup complete") < 3:
            assert time.monotonic() < deadline, server.log()
            time.sleep(0.2)
        assert server.log().count("Started server process") == 3
        # New connections are spread over the workers by the kernel: ask often enough that
        # every worker has the old title cached.
        assert {title_on(server) for _ in range(30)} == {"Post 0"}
        retitled = document(posts=1)
        retitled["posts"][0]["title"] = "Imported"
        import_file(tmp_path, cluster, retitled)
        started = time.monotonic()
        while {title_on(server) for _ in range(30)} != {"Imported"}:
            assert time.monotonic() - started < PURGE_DELAY


def test_several_workers_without_a_transport_are_refused(tmp_path: Path) -> None:
    with pytest.raises(LiveServerError, match="several workers need to hear each other"):
        run_hub(tmp_path, {"HUB_EVENTS_TRANSPORT": "off"}, "serve", "--workers", "2")
