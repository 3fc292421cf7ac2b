"""What a hub of several workers survives: a worker killed under load, Redis stopped while
serving, and a change while 4 workers and Varnish keep answering.

Production's setting (README, "Running several workers"): real uvicorn workers on one
PostgreSQL database and one Redis, a real ``varnishd``, and wrk for the load. The Redis is this
module's own (``tests/scale_services.py``): the machine's shared one is never stopped. The
database and the Redis are prepared once for the module; each test starts its own workers.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from hub import hookimpl
from tests.cluster import (
    editor_token,
    eventually,
    import_before_serving,
    import_file,
    live_workers,
    served_in_process,
)
from tests.live_server import HOST, LiveServer, free_port
from tests.scale_services import (
    PrivateRedis,
    cache_hits,
    postgres_database,
    private_redis,
    start_wrk,
    started_pids,
    wrk_counts,
    wrk_or_skip,
)
from tests.test_content_events_fanout import document
from tests.test_scale_out import POST_QUERY, PURGE_DELAY, retitle, title_on
from tests.test_varnish import port_of, title_through
from tests.varnish import varnish_in_front, varnishd_or_skip

pytestmark = pytest.mark.postgres

#: A replacement worker imports the hub and its plugins: seconds on a busy 2-core machine.
REPLACEMENT_TIMEOUT = 120.0
#: A worker cut off from Redis notices when its connection closes (at once); it resubscribes
#: every second (``hub/fanout.py``, RECONNECT_DELAY).
RESUBSCRIBE_TIMEOUT = 5.0


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scale")


@pytest.fixture(scope="module")
def redis_server(folder: Path) -> Iterator[PrivateRedis]:
    with private_redis(folder / "redis") as server:
        yield server


@pytest.fixture(scope="module")
def settings(folder: Path, redis_server: PrivateRedis) -> Iterator[dict[str, str]]:
    """One migrated PostgreSQL database with post-0 in it, and the module's Redis."""
    with postgres_database() as url:
        settings = {
            "HUB_DATABASE_URL": url,
            "HUB_REDIS_URL": redis_server.url,
            "HUB_DELIVERY_MAX_AGE": "600",
            "HUB_METRICS": "on",
        }
        import_before_serving(folder, settings, document(posts=1))
        yield settings


@pytest.fixture(scope="module")
def token(folder: Path, settings: dict[str, str]) -> str:
    return editor_token(folder, settings)


def workers_folder(folder: Path, name: str) -> Path:
    (folder / name).mkdir()
    return folder / name


def until(check: object, within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"{what}: still not true after {within}s"
        time.sleep(0.05)


@contextmanager
def paused(pid: int) -> Iterator[None]:
    """Only the other workers accept connections meanwhile (keep it under uvicorn's 5 s
    health check, which would replace a worker that does not answer)."""
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


def test_a_worker_killed_under_load_fails_only_its_requests_in_flight_and_is_replaced(
    folder: Path, settings: dict[str, str]
) -> None:
    wrk_or_skip()
    connections = 8
    with live_workers(workers_folder(folder, "killed"), settings, 1, "--workers", "2") as (server,):
        until(lambda: len(started_pids(server.log())) == 2, REPLACEMENT_TIMEOUT, server.log())
        until(
            lambda: server.log().count("Application startup complete") == 2,
            REPLACEMENT_TIMEOUT,
            server.log(),
        )
        killed, survivor = started_pids(server.log())
        url = str(httpx.URL(server.graphql_url, params=POST_QUERY))
        load = start_wrk(folder, url, seconds=4, connections=connections)
        time.sleep(1.0)  # the load running on both workers
        os.kill(killed, signal.SIGKILL)
        counts = wrk_counts(load, within=30)
        print(f"wrk while a worker was killed: {counts}")
        # A dead worker's connections break, each with at most one request on it; the other
        # worker answers the rest, and nobody is refused a connection or a 2xx answer.
        assert counts.requests > 100, counts
        assert (counts.connect, counts.timeout, counts.status) == (0, 0, 0), counts
        assert counts.read + counts.write <= connections, counts

        until(lambda: len(started_pids(server.log())) == 3, REPLACEMENT_TIMEOUT, server.log())
        until(
            lambda: server.log().count("Application startup complete") == 3,
            REPLACEMENT_TIMEOUT,
            server.log(),
        )
        assert f"Child process [{killed}] died" in server.log()
        replacement = started_pids(server.log())[2]
        assert replacement not in (killed, survivor)
        # The replacement hears content events: it caches the title (a hit proves it), then
        # `hub import` in another process retitles the post, and it answers the new title.
        with paused(survivor):
            before = title_on(server)
            hits = cache_hits(server.base_url)
            assert title_on(server) == before
            assert cache_hits(server.base_url) == hits + 1, "the replacement did not cache"
        retitled = document(posts=1)
        retitled["posts"][0]["title"] = f"After the kill {time.monotonic_ns()}"
        import_file(folder, settings, retitled)
        with paused(survivor):
            started = time.monotonic()
            while title_on(server) != retitled["posts"][0]["title"]:
                assert time.monotonic() - started < PURGE_DELAY, "the replacement kept the old"


class ListeningRecorder:
    def __init__(self) -> None:
        self.calls: list[bool] = []

    @hookimpl
    def content_events_listening(self, listening: bool) -> None:
        self.calls.append(listening)


async def test_plugins_hear_when_a_server_stops_and_starts_hearing_other_processes(
    folder: Path, settings: dict[str, str], redis_server: PrivateRedis
) -> None:
    recorder = ListeningRecorder()
    async with served_in_process(folder, settings, [recorder]):
        assert recorder.calls == []  # listening since start-up: nothing to report
        redis_server.stop()
        try:
            await eventually(lambda: recorder.calls == [False], within=RESUBSCRIBE_TIMEOUT)
        finally:
            redis_server.start()
        await eventually(lambda: recorder.calls == [False, True], within=RESUBSCRIBE_TIMEOUT)


def ready(worker: LiveServer) -> httpx.Response:
    return httpx.get(f"{worker.base_url}/readyz", timeout=5.0)


def test_a_hub_whose_redis_stops_keeps_answering_uncached_and_caches_again_when_it_returns(
    folder: Path, settings: dict[str, str], redis_server: PrivateRedis, token: str
) -> None:
    # 1,000 at once, refilled by one a minute: never refused here, and each request's token
    # shows even when a loaded machine spaces the requests out (a faster refill hid them).
    limited = {
        **settings,
        "HUB_DELIVERY_ANONYMOUS_RATE": "60/h",
        "HUB_DELIVERY_ANONYMOUS_BURST": "1000",
    }
    with live_workers(workers_folder(folder, "redis-down"), limited, 2) as (writer, reader):
        title_on(reader)
        hits = cache_hits(reader.base_url)
        title_on(reader)
        assert cache_hits(reader.base_url) == hits + 1
        redis_server.stop()
        try:
            for worker in (writer, reader):
                answer = ready(worker)
                assert answer.status_code == 503
                assert "redis" in answer.json()["not_ready"], answer.json()

            def uncached() -> bool:
                hits = cache_hits(reader.base_url)
                title_on(reader)
                title_on(reader)
                return cache_hits(reader.base_url) == hits

            until(uncached, RESUBSCRIBE_TIMEOUT, "the reader still answers from its cache")
            # Rate limits count in each process meanwhile: limited, never an error.
            answers = [httpx.get(reader.graphql_url, params=POST_QUERY) for _ in range(3)]
            assert [answer.status_code for answer in answers] == [200] * 3
            remaining = [int(answer.headers["ratelimit-remaining"]) for answer in answers]
            assert remaining == sorted(remaining, reverse=True)
            assert remaining[0] > remaining[-1]
            # A change through the other worker, which cannot tell anyone: shown at once.
            retitle(writer, token, "Changed while Redis was down")
            assert title_on(reader) == "Changed while Redis was down"
        finally:
            redis_server.start()
        until(
            lambda: all(ready(w).status_code == 200 for w in (writer, reader)),
            RESUBSCRIBE_TIMEOUT,
            "not ready again",
        )

        def caching() -> bool:
            hits = cache_hits(reader.base_url)
            title_on(reader)
            title_on(reader)
            return cache_hits(reader.base_url) > hits

        until(caching, RESUBSCRIBE_TIMEOUT, "the reader does not cache again")
        assert title_on(reader) == "Changed while Redis was down"
        # And it hears changes again: its cached answer goes as soon as another worker's change.
        retitle(writer, token, "Changed once Redis was back")
        started = time.monotonic()
        while title_on(reader) != "Changed once Redis was back":
            assert time.monotonic() - started < PURGE_DELAY, "the reader kept the old title"


#: GETs after the mutation's answer, spread in turn over Varnish and each of the 4 workers.
GETS = 200


def test_after_a_mutation_no_worker_nor_varnish_answers_the_old_content(
    folder: Path, settings: dict[str, str], token: str
) -> None:
    varnishd_or_skip()
    varnish_port = free_port()
    shared = {**settings, "HUB_DELIVERY_VARNISH_URL": f"http://{HOST}:{varnish_port}/"}
    # Varnish's backend keeps no cache of its own (README, "Varnish in front"); the three
    # others keep theirs, which only content events through Redis can purge.
    backend_settings = {**shared, "HUB_DELIVERY_RESPONSE_CACHE_ENTRIES": "0"}
    with (
        live_workers(workers_folder(folder, "backend"), backend_settings, 1) as (backend,),
        live_workers(workers_folder(folder, "cached"), shared, 3) as cached,
        varnish_in_front(folder / "varnish", varnish_port, port_of(backend)) as varnish,
    ):
        old, _ = title_through(varnish)
        assert title_through(varnish) == (old, "HIT")
        assert [title_on(worker) for worker in cached] == [old] * 3  # cached for 600 s
        new = f"Changed {time.monotonic_ns()}"
        retitle(cached[0], token, new)
        answered = time.monotonic()
        targets = [("varnish", f"{varnish}/graphql"), ("backend", backend.graphql_url)]
        targets += [(f"cached-{n}", worker.graphql_url) for n, worker in enumerate(cached)]
        seen: list[tuple[str, float, str, str]] = []
        with httpx.Client(timeout=5.0) as client:
            for n in range(GETS):
                name, url = targets[n % len(targets)]
                answer = client.get(url, params=POST_QUERY)
                assert answer.status_code == 200, answer.text
                title = answer.json()["data"]["post"]["title"]
                cache = answer.headers.get("x-cache", "")
                seen.append((name, time.monotonic() - answered, title, cache))
    assert {title for _, _, title, _ in seen} <= {old, new}
    stale = [(name, round(after, 4)) for name, after, title, _ in seen if title == old]
    # Varnish and the worker that made the change are purged before the mutation answers;
    # the other workers' caches when they hear it, within PURGE_DELAY (README: milliseconds).
    assert [name for name, _ in stale if name in ("varnish", "backend", "cached-0")] == [], stale
    assert all(after < PURGE_DELAY for _, after in stale), stale
    for name, _ in targets:
        titles = [title for target, _, title, _ in seen if target == name]
        # Once a target answered the new title, it never answered the old one again.
        assert titles.count(old) == titles.index(new), (name, titles)
    # Varnish kept the new answer: the GETs through it after the first never reached a worker.
    through_varnish = [cache for name, _, _, cache in seen if name == "varnish"]
    assert through_varnish == ["MISS"] + ["HIT"] * (len(through_varnish) - 1), seen
