"""Outgoing webhooks: signed, retried with backoff, logged, and never in the mutation's way."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import hub_webhooks.plugin
import pytest
from asgi_lifespan import LifespanManager
from hub_webhooks.models import Delivery, DeliveryStatus, Subscriber
from hub_webhooks.settings import WebhookSettings
from hub_webhooks.signing import signature_header, verify_signature
from prometheus_client import REGISTRY
from tortoise.backends.base.executor import EXECUTOR_CACHE

from hub.access.models import Role
from hub.app import create_app
from hub.database import apply_migrations
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from hub.testing import hub_cli
from tests.conftest import GraphQLClient
from tests.test_access_tokens import bearer, sign_in

SECRET = "whsec_test-secret-of-some-length"
#: How long the slow receiver takes to answer: far beyond the hub's timeout and any bound below.
SLOW_SECONDS = 10.0
FAST_SETTINGS = {
    "HUB_WEBHOOKS_TIMEOUT": 1.0,
    "HUB_WEBHOOKS_BACKOFF": 0.2,
    "HUB_WEBHOOKS_MAX_ATTEMPTS": 2,
    "HUB_WEBHOOKS_POLL": 0.05,
}
CREATE_POST = """
mutation($input: CreatePostInput!) { createPost(input: $input) { post { id } errors { code } } }"""


class Receiver:
    """A real HTTP server on a loopback port: /ok answers 204, /fail 500, /slow after 10 s."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                receiver.received.append((self.path, dict(self.headers.items()), body))
                if self.path.startswith("/slow"):
                    time.sleep(SLOW_SECONDS)
                self.send_response(500 if self.path.startswith("/fail") else 204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Receiver:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/down"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, database_url=database_url, extra=FAST_SETTINGS)


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_webhooks.plugin]


async def eventually(check: Callable[[], Any], within: float = 20.0) -> Any:
    deadline = time.monotonic() + within
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.05)


async def create_post(gql: GraphQLClient, slug: str) -> None:
    gql.headers.update(bearer(await sign_in(Role.EDITOR)))
    data = await gql.data(CREATE_POST, {"input": {"slug": slug, "title": slug.title()}})
    assert data["createPost"]["errors"] == []


async def test_a_subscriber_receives_signed_events_it_asked_for(
    gql: GraphQLClient, receiver: Receiver
) -> None:
    posts = await Subscriber.create(url=f"{receiver.url}/ok", events="post.*", secret=SECRET)
    await Subscriber.create(url=f"{receiver.url}/ok-sections", events="section.*", secret=SECRET)
    await create_post(gql, "news")

    async def delivered() -> bool:
        return await Delivery.filter(status=DeliveryStatus.DELIVERED).exists()

    assert await eventually(delivered)
    [(path, headers, body)] = receiver.received
    assert path == "/ok"
    assert verify_signature(SECRET, body, headers["Hub-Signature"])
    assert not verify_signature(SECRET, body.replace(b"news", b"fake"), headers["Hub-Signature"])
    assert not verify_signature("another-secret-entirely", body, headers["Hub-Signature"])
    event = json.loads(body)
    assert (event["event"], event["data"]["type"], event["data"]["slug"]) == (
        "post.updated",
        "Post",
        "news",
    )
    assert headers["Hub-Event"] == "post.updated"
    [delivery] = await Delivery.filter(subscriber_id=posts.id)
    assert headers["Hub-Delivery"] == str(delivery.id)
    assert (delivery.attempts, delivery.last_status_code) == (1, 204)
    assert await Delivery.all().count() == 1  # the sections subscriber wanted no post event


async def test_failing_subscribers_are_retried_and_logged_without_delaying_the_mutation(
    gql: GraphQLClient, receiver: Receiver
) -> None:
    down = await Subscriber.create(url=closed_port_url(), secret=SECRET)
    failing = await Subscriber.create(url=f"{receiver.url}/fail", secret=SECRET)
    slow = await Subscriber.create(url=f"{receiver.url}/slow", secret=SECRET)
    retries_before = (
        REGISTRY.get_sample_value("hub_webhook_deliveries_total", {"outcome": "retry"}) or 0.0
    )
    gql.headers.update(bearer(await sign_in(Role.EDITOR)))
    started = time.monotonic()
    data = await gql.data(CREATE_POST, {"input": {"slug": "news", "title": "News"}})
    answered_in = time.monotonic() - started
    assert data["createPost"]["errors"] == []
    assert answered_in < SLOW_SECONDS / 4, f"the mutation took {answered_in:.1f} s"

    async def all_failed() -> bool:
        return await Delivery.filter(status=DeliveryStatus.FAILED).count() == 3

    assert await eventually(all_failed), await Delivery.all().values()
    by_subscriber = {d.subscriber_id: d for d in await Delivery.all()}  # type: ignore[attr-defined]
    assert all(delivery.attempts == 2 for delivery in by_subscriber.values())
    assert "ConnectError" in (by_subscriber[down.id].last_error or "")
    assert by_subscriber[failing.id].last_status_code == 500
    assert by_subscriber[failing.id].last_error == "answered 500"
    assert by_subscriber[slow.id].last_error == "no answer within 1 s"
    retries = REGISTRY.get_sample_value("hub_webhook_deliveries_total", {"outcome": "retry"})
    assert (retries or 0.0) - retries_before == 3


async def started_hub(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    EXECUTOR_CACHE.clear()
    pm = get_plugin_manager(extra_plugins=[hub_webhooks.plugin], load_entry_points=False)
    app = create_app(settings, pm)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            yield client


async def test_a_restart_continues_the_retries(
    database_url: str, tmp_path: Path, receiver: Receiver
) -> None:
    # A long backoff: the first process stops before its retry is due.
    slow_retry = {**FAST_SETTINGS, "HUB_WEBHOOKS_MAX_ATTEMPTS": 5, "HUB_WEBHOOKS_BACKOFF": 1.0}
    settings = Settings(data_dir=tmp_path, database_url=database_url, extra=slow_retry)
    pm = get_plugin_manager(extra_plugins=[hub_webhooks.plugin], load_entry_points=False)
    await apply_migrations(pm, settings)
    unreachable = closed_port_url()
    async for client in started_hub(settings):
        subscriber = await Subscriber.create(url=unreachable, secret=SECRET)
        await create_post(GraphQLClient(client), "news")

        async def first_attempt_failed() -> bool:
            return await Delivery.filter(attempts=1, status=DeliveryStatus.PENDING).exists()

        assert await eventually(first_attempt_failed)
    # Between the processes, the subscriber comes back at another address.
    async for _ in started_hub(settings):
        await Subscriber.filter(id=subscriber.id).update(url=f"{receiver.url}/ok")

        async def delivered() -> Delivery | None:
            return await Delivery.filter(status=DeliveryStatus.DELIVERED).first()

        delivery = await eventually(delivered)
        assert delivery is not None
        # The first process made one attempt; the new one went on from there. (A slow start can
        # let one more retry reach the old address before the update: 3 then, never 1.)
        assert delivery.attempts >= 2
    assert len(receiver.received) == 1


def test_retries_back_off_exponentially_up_to_a_bound() -> None:
    policy = WebhookSettings(timeout=10, max_attempts=8, backoff=30, max_backoff=3600, poll=1)
    assert [policy.retry_delay(attempt) for attempt in range(1, 9)] == [
        30, 60, 120, 240, 480, 960, 1920, 3600,
    ]  # fmt: skip


def test_subscribers_are_managed_from_the_command_line(tmp_path: Path) -> None:
    hub = hub_cli(["webhooks"], tmp_path)

    refused = hub.invoke("webhooks", "add", "ftp://example.org")
    assert refused.exit_code == 1
    assert "absolute http(s) URL" in refused.output
    added = hub.invoke(
        "webhooks", "add", "https://example.org/hook", "--events", "post.*, section.*"
    )
    assert added.exit_code == 0, added.output
    assert "Subscriber 1: https://example.org/hook receives post.*,section.*" in added.output
    assert "Signing secret: whsec_" in added.output
    listed = hub.invoke("webhooks", "list")
    assert "https://example.org/hook" in listed.output
    assert "post.*,section.*" in listed.output

    async def log_one() -> None:
        await Delivery.create(
            subscriber_id=1,
            event="post.published",
            body="{}",
            status=DeliveryStatus.FAILED,
            attempts=8,
            last_status_code=500,
            last_error="answered 500",
            next_attempt_at=datetime.now(UTC),
        )

    hub.run_in_database(log_one)
    log = hub.invoke("webhooks", "deliveries", "--status", "failed")
    assert log.exit_code == 0, log.output
    assert "post.published" in log.output
    assert "answered 500" in log.output
    removed = hub.invoke("webhooks", "remove", "1")
    assert removed.exit_code == 0
    again = hub.invoke("webhooks", "remove", "1")
    assert again.exit_code == 1
    assert "no subscriber has the id 1" in again.output
    assert "No subscribers" in hub.invoke("webhooks", "list").output


def test_the_documented_verification_snippet_accepts_our_signatures() -> None:
    readme = (Path(__file__).parent.parent / "plugins/webhooks/README.md").read_text()
    snippet = readme.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(snippet, namespace)
    body = b'{"event":"post.published"}'
    header = signature_header(SECRET, body)
    assert namespace["verify"](SECRET, body, header)
    assert not namespace["verify"](SECRET, body + b" ", header)
    assert not namespace["verify"](SECRET, body, signature_header(SECRET, body, 1_000_000_000))
    example = readme.split("Hub-Signature: ", 1)[1].split("\n", 1)[0]
    example_body = readme.split(example, 1)[1].split("\n\n", 1)[1].split("\n", 1)[0].encode()
    assert verify_signature("whsec_example", example_body, example, now=1767225600)
