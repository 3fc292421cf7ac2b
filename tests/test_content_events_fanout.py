"""Content events cross processes: what a CLI command or another worker commits, a server hears.

The servers here run in this process, the CLI in processes of its own, over real Redis and
PostgreSQL; the multi-worker tests with uvicorn are in ``test_scale_out.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import hub_delivery.plugin
import orjson
import redis.asyncio as aioredis

from hub import ContentEvent, EventKind
from hub.content.transfer import import_content
from hub.fanout import CHANNEL, NOTIFY_LIMIT, encode
from hub.settings import Settings
from tests.cluster import eventually, import_file, redis_or_skip, run_hub, served_in_process
from tests.conftest import only_postgres
from tests.plugin_helpers import make_plugin


def document(posts: int = 2, body: str = "<p>Hello</p>") -> dict[str, Any]:
    return {
        "version": 1,
        "themes": [{"slug": "disarmament", "name": "Disarmament"}],
        "posts": [
            {
                "slug": f"post-{n}",
                "title": f"Post {n}",
                "body": body,
                "status": "published",
                "published_at": "2024-05-01T10:00:00+00:00",
                "themes": ["disarmament"],
            }
            for n in range(posts)
        ],
    }


class Recorder:
    def __init__(self) -> None:
        self.events: list[ContentEvent] = []

        def record(events: Sequence[ContentEvent]) -> None:
            self.events.extend(events)

        self.plugin = make_plugin("recorder", content_events=record)

    def remote(self) -> list[ContentEvent]:
        return [event for event in self.events if event.remote]


@contextlib.asynccontextmanager
async def channel_messages(
    redis_url: str, database_url: str
) -> AsyncIterator[list[dict[str, Any]]]:
    """Every message published on the hub's Redis channel while the block runs."""
    namespace = Settings(database_url=database_url).shared_namespace
    seen: list[dict[str, Any]] = []
    async with aioredis.from_url(redis_url) as client, client.pubsub() as pubsub:
        await pubsub.subscribe(f"{CHANNEL}:{namespace}")

        async def read() -> None:
            async for item in pubsub.listen():
                if item["type"] == "message":
                    seen.append(orjson.loads(item["data"]))

        reader = asyncio.create_task(read())
        try:
            yield seen
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader


async def test_a_server_hears_what_hub_import_commits_in_another_process(
    database_url: str, tmp_path: Path
) -> None:
    settings = {"HUB_DATABASE_URL": database_url, "HUB_REDIS_URL": redis_or_skip()}
    run_hub(tmp_path, settings, "migrate")
    recorder = Recorder()
    async with served_in_process(tmp_path, settings, [recorder.plugin]):
        import_file(tmp_path, settings, document(posts=2))
        await eventually(lambda: len(recorder.remote()) == 3)
    assert sorted((e.kind, e.type_name, e.slug) for e in recorder.events) == [
        (EventKind.POST_PUBLISHED, "Post", "post-0"),
        (EventKind.POST_PUBLISHED, "Post", "post-1"),
        (EventKind.THEME_CHANGED, "Theme", "disarmament"),
    ]
    assert all(event.remote for event in recorder.events)
    assert recorder.remote()[-1].changes["title"] == "Post 1"


async def test_a_process_hears_its_own_events_once_and_never_republishes_others(
    database_url: str, tmp_path: Path
) -> None:
    redis_url = redis_or_skip()
    settings = {"HUB_DATABASE_URL": database_url, "HUB_REDIS_URL": redis_url}
    run_hub(tmp_path, settings, "migrate")
    recorder = Recorder()
    async with (
        channel_messages(redis_url, database_url) as published,
        served_in_process(tmp_path, settings, [recorder.plugin]) as (app, _),
    ):
        await import_content(app.state.hub.plugin_manager, document(posts=1))
        await eventually(lambda: len(published) == 1)
        import_file(
            tmp_path,
            settings,
            {"version": 1, "posts": [document(1)["posts"][0] | {"title": "Retitled"}]},
        )
        await eventually(lambda: len(recorder.remote()) == 1)
        await asyncio.sleep(0.3)  # time for an echo or a republication to show up
    # Heard once, though its own message came back from Redis, then the CLI's change.
    assert [(e.slug, e.remote) for e in recorder.events] == [
        ("disarmament", False),
        ("post-0", False),
        ("post-0", True),
    ]
    assert recorder.remote()[0].changes == {"title": "Retitled"}
    # One message from the server, one from the CLI: the remote event was not published again.
    assert len(published) == 2
    assert published[0]["origin"] != published[1]["origin"]


@only_postgres
async def test_postgres_notifications_carry_an_import_larger_than_one_notification(
    database_url: str, tmp_path: Path
) -> None:
    settings = {"HUB_DATABASE_URL": database_url, "HUB_EVENTS_TRANSPORT": "postgres"}
    run_hub(tmp_path, settings, "migrate")
    recorder = Recorder()
    huge = "<p>" + "x" * (NOTIFY_LIMIT * 2) + "</p>"
    big_import = document(posts=40, body="<p>" + "y" * 400 + "</p>")
    big_import["posts"][7]["body"] = huge
    async with served_in_process(tmp_path, settings, [recorder.plugin]):
        import_file(tmp_path, settings, big_import)
        await eventually(lambda: len(recorder.remote()) == 41)
    by_slug = {event.slug: event for event in recorder.remote()}
    assert by_slug["post-7"].changes == {}  # too large for a notification: sent without them
    assert by_slug["post-8"].changes["body"] == "<p>" + "y" * 400 + "</p>"


def test_messages_stay_under_the_limit_and_keep_every_event_in_order() -> None:
    events = [
        ContentEvent(EventKind.POST_UPDATED, "Post", n, f"p{n}", {"body": "z" * (n * 50)})
        for n in range(300)
    ]
    messages = list(encode("origin", events, NOTIFY_LIMIT))
    assert len(messages) > 1
    assert all(len(message) <= NOTIFY_LIMIT for message in messages)
    slugs = [item["slug"] for message in messages for item in orjson.loads(message)["events"]]
    assert slugs == [f"p{n}" for n in range(300)]


async def test_a_servers_cached_answers_forget_what_hub_import_changed_elsewhere(
    database_url: str, tmp_path: Path
) -> None:
    settings = {
        "HUB_DATABASE_URL": database_url,
        "HUB_REDIS_URL": redis_or_skip(),
        "HUB_DELIVERY_MAX_AGE": "600",
    }
    run_hub(tmp_path, settings, "migrate")
    import_file(tmp_path, settings, document(posts=1))
    title = {"query": '{ post(slug: "post-0") { title } }'}
    async with served_in_process(tmp_path, settings, [hub_delivery.plugin]) as (_, client):
        first = await client.get("/graphql", params=title)
        assert first.json()["data"]["post"]["title"] == "Post 0"
        assert "max-age=600" in first.headers["cache-control"]
        retitled = document(posts=1)
        retitled["posts"][0]["title"] = "Retitled"
        import_file(tmp_path, settings, retitled)
        # Once the server heard the import, its cache no longer has the old title.
        seen: list[str] = []

        async def title_now() -> None:
            seen.append(
                (await client.get("/graphql", params=title)).json()["data"]["post"]["title"]
            )

        for _ in range(100):
            await title_now()
            if seen[-1] == "Retitled":
                break
            await asyncio.sleep(0.05)
        assert seen[-1] == "Retitled", seen
