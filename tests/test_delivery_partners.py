"""Partner keys: CORS per partner, token-bucket rate limits, query cost budgets, registered-only.

A partner key is a token of a ``partner`` account; ``hub partners`` gives it a policy.
"""

from __future__ import annotations

import asyncio
import json
import socket
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import hub_delivery.partner_commands
import hub_delivery.plugin
import pytest
from graphql import parse
from hub_delivery.partner_runtime import PARTNERS_STATE_KEY, Partners
from hub_delivery.partners import PolicyChange, normalised_origin, save_policy
from hub_delivery.ratelimit import LocalBuckets, RedisBuckets, parse_rate
from hub_delivery.registration import register
from hub_delivery.settings import ANONYMOUS_BURST, ANONYMOUS_RATE, PARTNER_REFRESH
from starlette.applications import Starlette
from typer.testing import CliRunner

from hub.access.models import ApiToken, Role
from hub.cli import build_cli, load_current
from hub.database import open_database
from hub.graphql.cost import DEFAULT_LIST_SIZE, measure
from hub.hookimpl import hookimpl
from hub.settings import Settings
from tests import factories
from tests.conftest import SQLCounter, skip_or_fail
from tests.test_access_tokens import bearer, sign_in

PARTNER_SITE = "https://a.example"
OTHER_SITE = "https://b.example"
CORE_SITE = "https://own-frontend.example"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379

FRONT_PAGE = """{
  posts(first: 20) {
    totalCount
    edges {
      cursor
      node {
        title slug publishedAt excerpt readingTimeMinutes
        authors { name role }
        themes { name }
        sections { name countryCode }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}"""
#: One hundred posts with their people's sections' posts: far over the default cost of 5000.
EXPENSIVE = (
    "{ posts(first: 100) { edges { node { authors { section { name } } themes { name } } } } }"
)


class Clock:
    """Seconds that move only when a test says so."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_delivery.plugin]


@pytest.fixture
def extra_settings() -> dict[str, Any]:
    """Plugin settings of a test; parametrize it to change them."""
    return {}


@pytest.fixture
def settings(database_url: str, tmp_path: Path, extra_settings: dict[str, Any]) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        cors_origins=(CORE_SITE,),
        extra=extra_settings,
    )


@pytest.fixture
def clock(app: Starlette) -> Clock:
    clock = Clock()
    partners: Partners = getattr(app.state, PARTNERS_STATE_KEY)
    assert isinstance(partners.buckets, LocalBuckets)
    partners.buckets.clock = clock
    return clock


async def partner_key(app: Starlette, **policy: Any) -> tuple[str, int]:
    """A partner account's token and its id, with ``policy`` saved when given."""
    token = await sign_in(Role.PARTNER)
    token_id = (await ApiToken.get(prefix=token[:12])).id
    if policy:
        await save_policy(token_id, PolicyChange(**policy))
        getattr(app.state, PARTNERS_STATE_KEY).directory.invalidate()
    return token, token_id


def preflight(origin: str) -> dict[str, str]:
    return {
        "origin": origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, authorization",
    }


THEMES = {"query": "{ themes { slug } }"}


# --- CORS ----------------------------------------------------------------------------------------


async def test_preflights_are_allowed_from_partner_and_configured_origins_only(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    await partner_key(app, origins=(PARTNER_SITE,))
    for origin in (PARTNER_SITE, CORE_SITE):
        allowed = await client.options("/graphql", headers=preflight(origin))
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == origin
        assert "authorization" in allowed.headers["access-control-allow-headers"]
        assert allowed.headers["vary"] == "Origin"
        assert "access-control-allow-credentials" not in allowed.headers
    refused = await client.options("/graphql", headers=preflight(OTHER_SITE))
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    assert OTHER_SITE in refused.json()["errors"][0]["message"]
    odd_header = {**preflight(PARTNER_SITE), "access-control-request-headers": "x-debug"}
    refused = await client.options("/graphql", headers=odd_header)
    assert refused.json() == {
        "errors": [{"message": "The request headers x-debug are not allowed (CORS)."}]
    }


async def test_answers_with_a_key_echo_allowed_origins_and_vary_on_origin(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    token, _ = await partner_key(app, origins=(PARTNER_SITE,))
    unrestricted, _ = await partner_key(app)
    allowed = await client.post(
        "/graphql", json=THEMES, headers={**bearer(token), "origin": PARTNER_SITE}
    )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == PARTNER_SITE
    assert "Retry-After" in allowed.headers["access-control-expose-headers"]
    other = await client.post(
        "/graphql", json=THEMES, headers={**bearer(unrestricted), "origin": OTHER_SITE}
    )
    assert other.status_code == 200
    assert "access-control-allow-origin" not in other.headers
    for response in (allowed, other):
        assert response.headers["vary"] == "Origin"
        assert "access-control-allow-credentials" not in response.headers
    # Without a key, the same query is a public read: any origin, partner or not, may read it.
    for origin in (PARTNER_SITE, OTHER_SITE):
        anonymous = await client.post("/graphql", json=THEMES, headers={"origin": origin})
        assert anonymous.headers["access-control-allow-origin"] == "*"


async def test_a_partner_key_from_an_origin_its_policy_does_not_list_is_a_403(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    token, _ = await partner_key(app, origins=(PARTNER_SITE, "https://c.example"))
    good = await client.post(
        "/graphql", json=THEMES, headers={**bearer(token), "origin": PARTNER_SITE}
    )
    assert good.json() == {"data": {"themes": []}}
    assert good.headers["access-control-allow-origin"] == PARTNER_SITE
    # The hub's own frontend may be a CORS origin, but not this partner's key's.
    for origin in (CORE_SITE, OTHER_SITE):
        refused = await client.post(
            "/graphql", json=THEMES, headers={**bearer(token), "origin": origin}
        )
        assert refused.status_code == 403
        error = refused.json()["errors"][0]
        assert error["extensions"]["code"] == "ORIGIN_NOT_ALLOWED"
        assert f"may not be used from the origin {origin}" in error["message"]
        assert f"allows {PARTNER_SITE}, https://c.example" in error["message"]
    # Servers send no Origin, and a key without origins in its policy is not restricted.
    assert (await client.post("/graphql", json=THEMES, headers=bearer(token))).status_code == 200
    free, _ = await partner_key(app)
    headers = {**bearer(free), "origin": OTHER_SITE}
    assert (await client.post("/graphql", json=THEMES, headers=headers)).status_code == 200


def test_origins_are_normalised_and_bad_ones_named() -> None:
    assert normalised_origin("HTTPS://A.Example:443/") == "https://a.example"
    assert normalised_origin("http://localhost:8080") == "http://localhost:8080"
    for bad in ("a.example", "https://a.example/page", "ftp://a.example", "https://"):
        with pytest.raises(ValueError, match="is not an origin"):
            normalised_origin(bad)


async def test_the_cors_origin_allowed_hook_lets_any_plugin_allow_origins(
    database_url: str, tmp_path: Path
) -> None:
    from hub.testing import hub_client

    class Friends:
        __name__ = "friends"

        @staticmethod
        @hookimpl
        def cors_origin_allowed(origin: str) -> bool | None:
            return origin.endswith(".friend.example") or None

    async with hub_client([Friends()], tmp_path) as client:
        allowed = await client.options("/graphql", headers=preflight("https://x.friend.example"))
        assert allowed.headers["access-control-allow-origin"] == "https://x.friend.example"
        refused = await client.options("/graphql", headers=preflight(OTHER_SITE))
        assert refused.status_code == 400


# --- Rate limits ---------------------------------------------------------------------------------


async def test_a_partner_key_over_its_rate_gets_429_with_retry_after(
    app: Starlette, client: httpx.AsyncClient, clock: Clock
) -> None:
    token, _ = await partner_key(app, rate="60/min", burst=2)
    first = await client.post("/graphql", json=THEMES, headers=bearer(token))
    assert first.status_code == 200
    assert first.headers["ratelimit-limit"] == "2"
    assert first.headers["ratelimit-remaining"] == "1"
    assert (await client.post("/graphql", json=THEMES, headers=bearer(token))).status_code == 200
    refused = await client.post("/graphql", json=THEMES, headers=bearer(token))
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "1"
    assert refused.headers["ratelimit-remaining"] == "0"
    assert refused.json()["errors"][0] == {
        "message": "Too many requests: the limit is 60/min with bursts of 2. Retry in 1 s.",
        "extensions": {"code": "RATE_LIMITED"},
    }
    # Another key has its own bucket; time refills this one at one request a second.
    other, _ = await partner_key(app, rate="60/min", burst=2)
    assert (await client.post("/graphql", json=THEMES, headers=bearer(other))).status_code == 200
    clock.now += 0.5
    assert (await client.post("/graphql", json=THEMES, headers=bearer(token))).status_code == 429
    clock.now += 0.5
    assert (await client.post("/graphql", json=THEMES, headers=bearer(token))).status_code == 200


async def test_partner_keys_without_a_policy_get_the_default_rate(
    app: Starlette, client: httpx.AsyncClient, clock: Clock
) -> None:
    token, _ = await partner_key(app)
    answer = await client.post("/graphql", json=THEMES, headers=bearer(token))
    assert answer.headers["ratelimit-limit"] == "60"  # HUB_DELIVERY_PARTNER_BURST
    editor = bearer(await sign_in(Role.EDITOR))
    staff = await client.post("/graphql", json=THEMES, headers=editor)
    assert "ratelimit-limit" not in staff.headers
    anonymous = await client.post("/graphql", json=THEMES)
    assert "ratelimit-limit" not in anonymous.headers  # no anonymous limit by default


@pytest.mark.parametrize("extra_settings", [{ANONYMOUS_RATE: "6/min", ANONYMOUS_BURST: 1}])
async def test_anonymous_clients_are_limited_per_address_when_configured(
    app: Starlette, client: httpx.AsyncClient, clock: Clock
) -> None:
    assert (await client.get("/graphql", params=THEMES)).status_code == 200
    refused = await client.get("/graphql", params=THEMES)  # a cached answer counts too
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "10"
    clock.now += 10
    assert (await client.get("/graphql", params=THEMES)).status_code == 200


async def test_local_buckets_refill_at_the_rate_up_to_the_burst() -> None:
    clock = Clock()
    buckets = LocalBuckets(clock)
    rate = parse_rate("120/min", 3)
    decisions = [await buckets.take("k", rate) for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert decisions[-1].retry_after == pytest.approx(0.5)
    clock.now += 3600  # a long pause refills to the burst, never beyond
    assert [(await buckets.take("k", rate)).allowed for _ in range(4)] == [True] * 3 + [False]


@pytest.mark.parametrize(
    ("text", "problem"),
    [("600", "not a rate"), ("0/min", "not a rate"), ("5/week", "not a rate")],
)
def test_bad_rates_are_named(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=f"{text!r} is {problem}"):
        parse_rate(text)


@pytest.fixture
def redis_url() -> str:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1):
            pass
    except OSError:
        skip_or_fail("redis", f"Redis is not reachable on {REDIS_HOST}:{REDIS_PORT}")
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/0"


async def test_redis_buckets_are_shared_by_every_process(redis_url: str) -> None:
    clock = Clock()
    # Two workers' buckets: separate clients, one Redis.
    namespace = uuid.uuid4().hex
    first = RedisBuckets(redis_url, clock, namespace=namespace)
    second = RedisBuckets(redis_url, clock, namespace=namespace)
    key, rate = "key:1", parse_rate("60/min", 3)
    try:
        taken = [await first.take(key, rate), await second.take(key, rate)]
        taken += [await first.take(key, rate), await second.take(key, rate)]
        assert [d.allowed for d in taken] == [True, True, True, False]
        assert taken[-1].retry_after == pytest.approx(1.0)
        clock.now += 1
        assert (await first.take(key, rate)).allowed
        assert not (await second.take(key, rate)).allowed
        # Concurrent requests never take more than the burst (the script is atomic).
        many = "key:2"
        results = await asyncio.gather(
            *[(first if n % 2 else second).take(many, rate) for n in range(20)]
        )
        assert sum(d.allowed for d in results) == 3
    finally:
        await first.close()
        await second.close()


@pytest.mark.parametrize(
    "extra_settings", [{"HUB_REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/0"}]
)
async def test_with_redis_a_hub_counts_another_processs_requests(
    redis_url: str, app: Starlette, client: httpx.AsyncClient
) -> None:
    clock = Clock()
    buckets = getattr(app.state, PARTNERS_STATE_KEY).buckets
    assert isinstance(buckets, RedisBuckets)
    buckets.clock = clock
    token, token_id = await partner_key(app, rate="60/min", burst=2)
    # Another worker of the same hub: the same Redis, the same database, its own client.
    other_process = RedisBuckets(redis_url, clock, namespace=buckets.namespace)
    try:
        # It served this key once: one request is left here, not two.
        assert (await other_process.take(f"key:{token_id}", parse_rate("60/min", 2))).allowed
        statuses = [
            (await client.post("/graphql", json=THEMES, headers=bearer(token))).status_code
            for _ in range(2)
        ]
        assert statuses == [200, 429]
    finally:
        await other_process.close()


# --- Query budgets -------------------------------------------------------------------------------


async def test_the_front_page_costs_2206_and_variables_set_page_sizes(app: Starlette) -> None:
    schema = app.state.hub.built.schema
    front = measure(schema, parse(FRONT_PAGE), FRONT_PAGE, None)
    # posts + totalCount + pageInfo{2} + edges: 20 x (cursor + node: 5 fields, 3 lists x 20).
    assert (front.depth, front.aliases, front.cost(None)) == (4, 0, 2206)
    assert front.tokens == 42
    query = "query($n: Int = 5) { posts(last: $n) { edges { node { title } } } }"
    by_variable = measure(schema, parse(query), query, None)
    assert by_variable.cost(None) == 1 + 1 + 5 * 2
    assert by_variable.cost({"n": 50}) == 1 + 1 + 50 * 2
    plain = "{ themes { name } }"
    assert measure(schema, parse(plain), plain, None).cost({}) == 1 + DEFAULT_LIST_SIZE


async def test_partner_operations_over_budget_are_refused_naming_the_limit(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    token, _ = await partner_key(app)
    front = await client.post("/graphql", json={"query": FRONT_PAGE}, headers=bearer(token))
    assert front.json()["data"]["posts"]["totalCount"] == 0
    refused = await client.post("/graphql", json={"query": EXPENSIVE}, headers=bearer(token))
    assert refused.status_code == 200
    body = refused.json()
    assert "data" not in body
    assert body["errors"][0]["message"] == (
        "This operation's cost is 6302, over this API key's max-cost of 5000: "
        "ask for fewer fields or smaller pages."
    )
    assert body["errors"][0]["extensions"] == {
        "code": "QUERY_BUDGET_EXCEEDED", "limit": "max-cost", "value": 6302, "maximum": 5000,
    }  # fmt: skip
    strict = await client.post(
        "/graphql",
        json={"query": EXPENSIVE},
        headers={**bearer(token), "accept": "application/graphql-response+json"},
    )
    assert strict.status_code == 400
    deep = "{ posts { edges { node { authors { section { people { section { name } } } } } } } }"
    deep_answer = await client.post("/graphql", json={"query": deep}, headers=bearer(token))
    assert deep_answer.json()["errors"][0]["extensions"]["limit"] == "max-depth"
    assert "depth is 7, over this API key's max-depth of 6" in deep_answer.text
    few_aliases, _ = await partner_key(app, max_aliases=2)
    aliased = "{ a: themes { slug } b: themes { slug } c: themes { slug } }"
    aliases = await client.post("/graphql", json={"query": aliased}, headers=bearer(few_aliases))
    assert "aliases is 3, over this API key's max-aliases of 2" in aliases.text
    # Anonymous clients and staff have the default budget (HUB_MAX_QUERY_COST), a larger one.
    assert "errors" not in (await client.post("/graphql", json={"query": EXPENSIVE})).json()


async def test_per_key_overrides_change_the_budget_of_that_key_only(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    generous, _ = await partner_key(app, max_cost=20_000, max_depth=8)
    default, _ = await partner_key(app)
    stingy, _ = await partner_key(app, max_cost=100)
    query = {"query": EXPENSIVE}
    # The same document, parsed and validated once, is measured against each key's budget.
    assert (
        "errors" not in (await client.post("/graphql", json=query, headers=bearer(generous))).json()
    )
    assert (
        "max-cost of 5000"
        in (await client.post("/graphql", json=query, headers=bearer(default))).text
    )
    front = await client.post("/graphql", json={"query": FRONT_PAGE}, headers=bearer(stingy))
    assert "cost is 2206, over this API key's max-cost of 100" in front.text
    assert (
        "errors" not in (await client.post("/graphql", json=query, headers=bearer(generous))).json()
    )


# --- Registered operations only ------------------------------------------------------------------


async def test_a_registered_only_key_runs_registered_operations_only(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    token, _ = await partner_key(app, registered_only=True)
    registration = await register(FRONT_PAGE, "front-page.graphql")
    ran = await client.post("/graphql", json={"query": FRONT_PAGE}, headers=bearer(token))
    assert ran.json()["data"]["posts"]["totalCount"] == 0
    persisted = {"persistedQuery": {"version": 1, "sha256Hash": registration.sha256}}
    by_hash = {"extensions": json.dumps(persisted)}
    assert "data" in (await client.get("/graphql", params=by_hash, headers=bearer(token))).json()
    for refused in (
        await client.post("/graphql", json=THEMES, headers=bearer(token)),
        await client.get("/graphql", params=THEMES, headers=bearer(token)),
    ):
        error = refused.json()["errors"][0]
        assert error["extensions"]["code"] == "OPERATION_NOT_REGISTERED"
        assert "this API key is restricted to registered operations" in error["message"]
    batch = await client.post("/graphql", json=[THEMES], headers=bearer(token))
    assert "not batches" in batch.json()["errors"][0]["message"]
    # Other keys, and anonymous clients without the allow-list, run any operation.
    other, _ = await partner_key(app)
    assert (await client.post("/graphql", json=THEMES, headers=bearer(other))).json() == {
        "data": {"themes": []}
    }


# --- Policies: cost in SQL, and changes taking effect ---------------------------------------------


async def test_a_partner_request_costs_no_sql_beyond_the_token_lookup(
    app: Starlette, client: httpx.AsyncClient, sql_counter: SQLCounter
) -> None:
    await factories.theme("peace", name="Peace")
    partner, _ = await partner_key(app, origins=(PARTNER_SITE,), max_cost=9000)
    editor = await sign_in(Role.EDITOR)
    headers = {"origin": PARTNER_SITE}
    for token in (partner, editor):  # warm: policy snapshot, last_used_at writes
        await client.post("/graphql", json=THEMES, headers={**bearer(token), **headers})
    counts = []
    for token in (editor, partner):
        sql_counter.reset()
        answer = await client.post("/graphql", json=THEMES, headers={**bearer(token), **headers})
        assert answer.json() == {"data": {"themes": [{"slug": "peace"}]}}
        counts.append(sql_counter.count)
    assert counts[0] == counts[1] == 2  # the token lookup and the themes


@pytest.mark.parametrize("extra_settings", [{PARTNER_REFRESH: 5.0}])
async def test_policy_changes_apply_after_the_refresh_delay_and_revocation_at_once(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    token, token_id = await partner_key(app, origins=(PARTNER_SITE,))
    directory = getattr(app.state, PARTNERS_STATE_KEY).directory
    clock = Clock()
    directory.clock = clock
    directory.invalidate()
    headers = {**bearer(token), "origin": OTHER_SITE}
    assert (await client.post("/graphql", json=THEMES, headers=headers)).status_code == 403
    # Changed elsewhere (another process, `hub partners set`): seen once the snapshot is old.
    await save_policy(token_id, PolicyChange(origins=(PARTNER_SITE, OTHER_SITE)))
    assert (await client.post("/graphql", json=THEMES, headers=headers)).status_code == 403
    clock.now += 5
    assert (await client.post("/graphql", json=THEMES, headers=headers)).status_code == 200
    await ApiToken.filter(id=token_id).update(revoked_at=datetime.now(UTC))
    assert (await client.post("/graphql", json=THEMES, headers=headers)).status_code == 401


# --- The command line ----------------------------------------------------------------------------


def test_hub_partners_sets_lists_and_removes_policies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = f"sqlite://{tmp_path / 'hub.sqlite3'}"
    monkeypatch.setenv("HUB_DATABASE_URL", database)

    hub, runner = build_cli(), CliRunner()
    assert runner.invoke(hub, ["migrate"]).exit_code == 0

    async def accounts() -> tuple[str, str]:
        settings, pm = load_current()
        async with open_database(pm, settings):
            return await sign_in(Role.PARTNER), await sign_in(Role.EDITOR)

    partner, editor = asyncio.run(accounts())

    def run(*args: str) -> Any:
        return runner.invoke(hub, ["partners", *args], env={"COLUMNS": "300"})

    saved = run(
        "set", partner[:12], "--origin", "https://A.example/", "--origin", OTHER_SITE,
        "--rate", "600/min", "--burst", "60", "--max-cost", "8000", "--registered-only",
    )  # fmt: skip
    assert saved.exit_code == 0, saved.output
    assert f"Saved the policy of {partner[:12]}..." in saved.output
    listed = run("list").output
    assert f"{PARTNER_SITE}, {OTHER_SITE}" in listed
    assert "600/min burst 60" in listed
    assert "cost 8000," not in listed  # the last item: no comma after it
    assert "cost 8000" in listed
    assert "depth 6 (default)" in listed
    assert "registered only" in listed
    assert run("set", partner[:12] + "...", "--any-operation").exit_code == 0
    assert "registered only" not in run("list").output

    for args, problem in [
        (("--origin", "a.example"), "'a.example' is not an origin"),
        (("--rate", "lots"), "'lots' is not a rate such as 600/min"),
        (("--max-cost", "0"), "--max-cost must be 1 or more, not 0"),
    ]:
        refused = run("set", partner[:12], *args)
        assert refused.exit_code != 0
        assert problem in refused.output
    not_partner = run("set", editor[:12], "--rate", "1/s")
    assert not_partner.exit_code == 1
    assert "(role editor): partner policies apply to partner accounts' tokens" in (
        not_partner.output.replace("\n", " ")
    )
    assert "no live token has the prefix 'hub_nothing1'" in run("set", "hub_nothing1").output

    assert run("remove", partner[:12]).exit_code == 0
    assert "(default)" in run("list").output
    assert "has no policy to remove" in run("remove", partner[:12]).output
