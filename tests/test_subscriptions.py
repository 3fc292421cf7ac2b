"""Subscriptions from plugins stream over graphql-transport-ws on /graphql."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from pathlib import Path

import pytest
import strawberry
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from hub.app import create_app
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from tests.plugin_helpers import make_plugin


@strawberry.type
class Ticker:
    @strawberry.subscription
    async def ticks(self, count: int) -> AsyncGenerator[int, None]:
        for tick in range(1, count + 1):
            yield tick


def test_a_subscription_streams_over_graphql_transport_ws(tmp_path: Path) -> None:
    plugin = make_plugin("ticker", register_subscriptions=lambda: [Ticker])
    pm = get_plugin_manager(extra_plugins=[plugin], load_entry_points=False)
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite://{tmp_path / 'hub.sqlite3'}")
    with (
        TestClient(create_app(settings, pm)) as client,
        client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket,
    ):
        socket.send_json({"type": "connection_init"})
        assert socket.receive_json()["type"] == "connection_ack"
        socket.send_json(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {"query": "subscription { ticks(count: 3) }"},
            }
        )
        ticks = [socket.receive_json()["payload"]["data"]["ticks"] for _ in range(3)]
        assert ticks == [1, 2, 3]
        assert socket.receive_json() == {"id": "1", "type": "complete"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("subscription {", "Syntax Error: Expected Name, found <EOF>."),
        (
            "subscription { ticks(count: 1) " + "a: __typename " * 3000 + "}",
            "Syntax Error: Document",
        ),
    ],
    ids=["syntax-error", "too-many-tokens"],
)
def test_a_malformed_subscription_is_answered_with_an_error(
    tmp_path: Path, query: str, message: str
) -> None:
    plugin = make_plugin("ticker", register_subscriptions=lambda: [Ticker])
    pm = get_plugin_manager(extra_plugins=[plugin], load_entry_points=False)
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite://{tmp_path / 'hub.sqlite3'}")
    with (
        TestClient(create_app(settings, pm)) as client,
        client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as socket,
    ):
        socket.send_json({"type": "connection_init"})
        assert socket.receive_json()["type"] == "connection_ack"
        socket.send_json({"id": "1", "type": "subscribe", "payload": {"query": query}})
        # The protocol's answer to a document whose operation cannot be read: close 4400,
        # with the parser's message as the reason.
        with pytest.raises(WebSocketDisconnect) as closed:
            socket.receive_json()
        assert closed.value.code == 4400
        assert closed.value.reason.startswith(message)
