"""``campaignProgress`` over graphql-transport-ws: in-process, and through Redis pub/sub."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hub_donations.plugin
import orjson
import pytest
import redis
from hub_donations.broker import CHANNEL_PREFIX
from hub_donations.models import Campaign, Donation
from hub_donations.settings import REDIS_URL, STRIPE_WEBHOOK_SECRET
from starlette.testclient import TestClient
from starlette.testclient import WebSocketTestSession as Socket
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from hub.app import create_app
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from tests.conftest import skip_or_fail
from tests.test_donations_support import WEBHOOK_SECRET, refunded, signed_headers, succeeded

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
SUBSCRIPTION = """subscription($slug: String!) {
  campaignProgress(slug: $slug) {
    slug percent donationCount donorCount raised { amount formatted }
  }
}"""


async def seed() -> None:
    await Tortoise.generate_schemas()
    campaign = await Campaign.create(
        slug="peace", title="Peace", goal=10_000, currency="EUR", status="active"
    )
    for reference, email in (("pi_1", "ada@example.org"), ("pi_2", "bo@example.org")):
        await Donation.create(
            campaign=campaign, provider_reference=reference, amount=2500, currency="EUR",
            provider="stripe", donor_email=email, donor_key=email,
        )  # fmt: skip


def hub_client(tmp_path: Path, **extra: Any) -> TestClient:
    EXECUTOR_CACHE.clear()
    pm = get_plugin_manager(extra_plugins=[hub_donations.plugin], load_entry_points=False)
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite://{tmp_path / 'hub.sqlite3'}",
        extra={STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, **extra},
    )
    return TestClient(create_app(settings, pm))


def subscribe(socket: Socket, slug: str = "peace") -> None:
    socket.send_json({"type": "connection_init"})
    assert socket.receive_json()["type"] == "connection_ack"
    socket.send_json(
        {
            "id": "1",
            "type": "subscribe",
            "payload": {"query": SUBSCRIPTION, "variables": {"slug": slug}},
        }
    )


def progress(socket: Socket) -> dict[str, Any]:
    message = socket.receive_json()
    assert message["type"] == "next", message
    data: dict[str, Any] = message["payload"]["data"]["campaignProgress"]
    return data


def deliver(client: TestClient, payload: bytes) -> None:
    response = client.post(
        "/donations/webhooks/stripe", content=payload, headers=signed_headers(payload)
    )
    assert response.status_code == 200, response.text


@pytest.fixture
def local_client(tmp_path: Path) -> Iterator[TestClient]:
    with hub_client(tmp_path) as client:
        client.portal.call(seed)  # type: ignore[union-attr]
        yield client


def test_subscribers_hear_each_success_and_refund(local_client: TestClient) -> None:
    with local_client.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"]
    ) as socket:
        subscribe(socket)
        assert progress(socket) == {
            "slug": "peace", "percent": 0.0, "donationCount": 0, "donorCount": 0,
            "raised": {"amount": 0, "formatted": "€0.00"},
        }  # fmt: skip
        deliver(local_client, succeeded("evt_1", "pi_1"))
        assert progress(socket)["raised"] == {"amount": 2500, "formatted": "€25.00"}
        deliver(local_client, succeeded("evt_1", "pi_1"))  # a duplicate: no message
        deliver(local_client, succeeded("evt_2", "pi_2"))
        second = progress(socket)
        assert (second["raised"]["amount"], second["donorCount"], second["percent"]) == (
            5000,
            2,
            50.0,
        )
        deliver(local_client, refunded("evt_3", "pi_1", 2500))
        after_refund = progress(socket)
        assert (after_refund["raised"]["amount"], after_refund["donationCount"]) == (2500, 1)


def test_subscribing_to_an_unknown_campaign_is_an_error(local_client: TestClient) -> None:
    with local_client.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"]
    ) as socket:
        subscribe(socket, "nope")
        message = socket.receive_json()
        # An execution error of a started subscription comes as a result with errors.
        assert message["type"] == "next"
        assert message["payload"]["errors"][0]["message"] == "No campaign has the slug 'nope'."
        assert socket.receive_json() == {"id": "1", "type": "complete"}


@pytest.fixture
def redis_url() -> str:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1):
            pass
    except OSError:
        skip_or_fail("redis", f"Redis is not reachable on {REDIS_HOST}:{REDIS_PORT}")
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/0"


def test_with_redis_progress_crosses_processes_both_ways(tmp_path: Path, redis_url: str) -> None:
    """Updates go out through Redis, and updates from other processes come in through it."""
    other_process = redis.Redis.from_url(redis_url)
    listener = other_process.pubsub()  # type: ignore[no-untyped-call]
    listener.subscribe(f"{CHANNEL_PREFIX}peace")
    subscribed = listener.get_message(timeout=5)
    assert subscribed is not None
    assert subscribed["type"] == "subscribe"
    with (
        hub_client(tmp_path, **{REDIS_URL: redis_url}) as client,
        client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket,
    ):
        client.portal.call(seed)  # type: ignore[union-attr]
        subscribe(socket)
        assert progress(socket)["raised"]["amount"] == 0
        deliver(client, succeeded("evt_1", "pi_1"))
        assert progress(socket)["raised"]["amount"] == 2500
        published = listener.get_message(timeout=5)
        assert published is not None
        assert orjson.loads(published["data"])["raised"] == 2500
        # Another server process's donation: published to Redis, heard by this subscriber.
        update = {"slug": "peace", "title": "Peace", "currency": "EUR", "goal": 10_000,
                  "raised": 7500, "donation_count": 3, "donor_count": 3}  # fmt: skip
        other_process.publish(f"{CHANNEL_PREFIX}peace", orjson.dumps(update))
        heard = progress(socket)
        assert (heard["raised"]["amount"], heard["percent"], heard["donorCount"]) == (7500, 75.0, 3)
    listener.close()
    other_process.close()


def test_subscribing_with_a_malformed_slug_names_the_argument(local_client: TestClient) -> None:
    with local_client.websocket_connect(
        "/graphql", subprotocols=["graphql-transport-ws"]
    ) as socket:
        subscribe(socket, "Not A Slug")
        message = socket.receive_json()
        assert message["type"] == "next"
        [error] = message["payload"]["errors"]
        assert error["message"].startswith("slug: 'Not A Slug' is not a slug")
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "slug"}
        assert socket.receive_json() == {"id": "1", "type": "complete"}
