"""Varnish in front of the hub (deploy/varnish/hub.vcl): it caches anonymous GETs as the hub
says, and changes purge it by surrogate key, whichever process commits them."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from tests.cluster import (
    editor_token,
    import_before_serving,
    import_file,
    live_workers,
    redis_or_skip,
)
from tests.live_server import HOST, LiveServer, free_port
from tests.test_content_events_fanout import document
from tests.test_scale_out import POST_QUERY, retitle
from tests.varnish import varnish_in_front, varnishd_or_skip


def title_through(varnish: str) -> tuple[str, str]:
    answer = httpx.get(f"{varnish}/graphql", params=POST_QUERY)
    return answer.json()["data"]["post"]["title"], answer.headers["x-cache"]


@pytest.fixture
def varnish_port() -> int:
    varnishd_or_skip()
    return free_port()


@pytest.fixture
def cluster(database_url: str, tmp_path: Path, varnish_port: int) -> dict[str, str]:
    """Workers on one database and Redis, purging the Varnish in front of them."""
    settings = {
        "HUB_DATABASE_URL": database_url,
        "HUB_REDIS_URL": redis_or_skip(),
        "HUB_DELIVERY_MAX_AGE": "600",
        # Varnish is the cache: a worker behind it keeping answers of its own could hand it
        # one another worker's change made stale, for Varnish to keep (README, production).
        "HUB_DELIVERY_RESPONSE_CACHE_ENTRIES": "0",
        "HUB_DELIVERY_VARNISH_URL": f"http://{HOST}:{varnish_port}/",
    }
    import_before_serving(tmp_path, settings, document(posts=1))
    return settings


def port_of(worker: LiveServer) -> int:
    return int(worker.base_url.rsplit(":", 1)[1])


def test_varnish_keeps_anonymous_answers_until_a_change_purges_them(
    cluster: dict[str, str], tmp_path: Path, varnish_port: int
) -> None:
    token = editor_token(tmp_path, cluster)
    with (
        live_workers(tmp_path, cluster, 2) as (behind_varnish, other),
        varnish_in_front(tmp_path / "varnish", varnish_port, port_of(behind_varnish)) as varnish,
    ):
        assert title_through(varnish) == ("Post 0", "MISS")
        assert title_through(varnish) == ("Post 0", "HIT")
        # Changed through the worker Varnish does not use: it purges Varnish before answering.
        retitle(other, token, "Retitled")
        assert title_through(varnish) == ("Retitled", "MISS")
        assert title_through(varnish) == ("Retitled", "HIT")
        # hub import purges it too, from its own process.
        reimported = document(posts=1)
        reimported["posts"][0]["title"] = "Imported"
        import_file(tmp_path, cluster, reimported)
        assert title_through(varnish) == ("Imported", "MISS")


def test_varnish_passes_requests_with_a_token_and_refuses_purges_without_keys(
    cluster: dict[str, str], tmp_path: Path, varnish_port: int
) -> None:
    token = editor_token(tmp_path, cluster)
    with (
        live_workers(tmp_path, cluster, 1) as (worker,),
        varnish_in_front(tmp_path / "varnish", varnish_port, port_of(worker)) as varnish,
    ):
        headers = {"Authorization": f"Bearer {token}"}
        for _ in range(2):
            answer = httpx.get(f"{varnish}/graphql", params=POST_QUERY, headers=headers)
            assert answer.headers["x-cache"] == "MISS"
            assert answer.headers["cache-control"] == "private, no-store"
        assert httpx.request("PURGE", f"{varnish}/").status_code == 400
        started = time.monotonic()
        assert httpx.request("PURGE", f"{varnish}/", headers={"xkey-purge": "Post"}).is_success
        assert time.monotonic() - started < 1.0
