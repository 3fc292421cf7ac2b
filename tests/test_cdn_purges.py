"""Fastly and Cloudflare are purged by surrogate key when content changes.

Their APIs cannot be reached from the test machines: a local HTTP server stands in for them and
records each request, which is checked against the documented API (path, headers, body).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import hub_delivery.plugin
import pytest
from hub_delivery import settings as delivery_settings
from starlette.applications import Starlette

from hub import ContentEvent, EventKind
from hub.content.models import Post, Theme
from hub.content.transfer import import_content
from hub.events import dispatch_content_events
from hub.graphql.nodes import node_key
from hub.settings import Settings
from tests.test_content_events_fanout import document

Recorded = list[dict[str, Any]]


@pytest.fixture
def fake_api() -> Iterator[tuple[str, Recorded]]:
    """A local stand-in for the CDNs' APIs: its URL, and every request it received."""
    received: Recorded = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["content-length"]))
            received.append(
                {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
            )
            answer = b'{"status": "ok", "success": true}'
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_delivery.plugin]


@pytest.fixture
def settings(database_url: str, tmp_path: Path, fake_api: tuple[str, Recorded]) -> Settings:
    url, _ = fake_api
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        extra={
            delivery_settings.FASTLY_SERVICE_ID: "SU1Z0isxPaozGVKXdv0eY",
            delivery_settings.FASTLY_API_TOKEN: "fastly-token",
            delivery_settings.FASTLY_API_BASE: f"{url}/fastly",
            delivery_settings.CLOUDFLARE_ZONE_ID: "023e105f4ecef8ad9ca31a8372d0c353",
            delivery_settings.CLOUDFLARE_API_TOKEN: "cloudflare-token",
            delivery_settings.CLOUDFLARE_API_BASE: f"{url}/cloudflare/client/v4",
        },
    )


async def test_an_import_purges_fastly_and_cloudflare_by_key_in_batches_they_accept(
    app: Starlette, fake_api: tuple[str, Recorded]
) -> None:
    _, received = fake_api
    await import_content(app.state.hub.plugin_manager, document(posts=300))
    # Each object is purged by its row number and by its public id (the key of its global IDs).
    post_keys = {
        f"Post:{key}"
        for pk, public_id in await Post.all().values_list("id", "public_id")
        for key in (pk, node_key(public_id))
    }
    [(theme_id, theme_public_id)] = await Theme.all().values_list("id", "public_id")
    fastly = [r for r in received if r["path"].startswith("/fastly/")]
    cloudflare = [r for r in received if r["path"].startswith("/cloudflare/")]
    assert {r["path"] for r in fastly} == {"/fastly/service/SU1Z0isxPaozGVKXdv0eY/purge"}
    assert {r["headers"]["Fastly-Key"] for r in fastly} == {"fastly-token"}
    assert [len(r["json"]["surrogate_keys"]) for r in fastly] == [256, 256, 93]
    assert {r["path"] for r in cloudflare} == {
        "/cloudflare/client/v4/zones/023e105f4ecef8ad9ca31a8372d0c353/purge_cache"
    }
    assert {r["headers"]["Authorization"] for r in cloudflare} == {"Bearer cloudflare-token"}
    assert max(len(r["json"]["tags"]) for r in cloudflare) == 30
    for purged in ({k for r in fastly for k in r["json"]["surrogate_keys"]},
                   {k for r in cloudflare for k in r["json"]["tags"]}):  # fmt: skip
        assert purged == {
            "Query",
            "Post",
            "Theme",
            f"Theme:{theme_id}",
            f"Theme:{node_key(theme_public_id)}",
            *post_keys,
        }


async def test_a_change_another_process_committed_does_not_purge_them_again(
    app: Starlette, fake_api: tuple[str, Recorded]
) -> None:
    _, received = fake_api
    heard = ContentEvent(EventKind.POST_UPDATED, "Post", 7, "post-7", remote=True)
    await dispatch_content_events(app.state.hub.plugin_manager, [heard])
    assert received == []
    await dispatch_content_events(
        app.state.hub.plugin_manager, [ContentEvent(EventKind.POST_UPDATED, "Post", 7, "post-7")]
    )
    assert [sorted(r["json"].get("tags") or r["json"]["surrogate_keys"]) for r in received] == [
        ["Post", "Post:7", "Query"]
    ] * 2
