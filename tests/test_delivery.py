"""Partner delivery: persisted queries, cacheable GraphQL GETs, purges and the allow-list."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import hub_delivery.plugin
import pytest
from asgi_lifespan import LifespanManager
from hub_delivery.registration import register
from hub_delivery.settings import ALLOWLIST, MAX_AGE, TYPE_MAX_AGE
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE
from typer.testing import CliRunner

from hub.access.models import Role
from hub.app import create_app
from hub.cli import build_cli
from hub.content.models import Post, PostStatus, Theme
from hub.hookimpl import hookimpl
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from tests import factories
from tests.conftest import SQLCounter
from tests.test_access_tokens import bearer, sign_in

FRONT_PAGE = """query FrontPage($first: Int!) {
  posts(first: $first) {
    edges { node {
      title slug publishedAt excerpt
      authors { name role }
      themes { name }
      sections { name countryCode }
    } }
  }
}"""
FRONT_PAGE_HASH = hashlib.sha256(FRONT_PAGE.encode()).hexdigest()
VARIABLES = json.dumps({"first": 20})
PURGED: list[list[str]] = []


class PurgeRecorder:
    """A CDN plugin, as a third party would write one."""

    __name__ = "purge-recorder"

    @staticmethod
    @hookimpl(optionalhook=True)
    def purge_cache(keys: Sequence[str]) -> None:
        PURGED.append(list(keys))


class BrokenPurger:
    """A CDN plugin whose purge fails: logged with its name, the others still purge."""

    __name__ = "broken-purger"

    @staticmethod
    @hookimpl(optionalhook=True)
    def purge_cache(keys: Sequence[str]) -> None:
        raise ConnectionError("the CDN did not answer")


@pytest.fixture
def extra_plugins() -> list[object]:
    PURGED.clear()
    return [hub_delivery.plugin, BrokenPurger(), PurgeRecorder()]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, database_url=database_url, extra={MAX_AGE: 120})


def persisted(sha256: str) -> str:
    return json.dumps({"persistedQuery": {"version": 1, "sha256Hash": sha256}})


async def get_front_page(client: httpx.AsyncClient, **headers: str) -> httpx.Response:
    return await client.get(
        "/graphql",
        params={"operationName": "FrontPage", "variables": VARIABLES, "query": FRONT_PAGE},
        headers=headers,
    )


async def content() -> None:
    author = await factories.person("ada", name="Ada")
    theme = await factories.theme("peace", name="Peace")
    section = await factories.section("kenya", name="WILPF Kenya", country_code="KE")
    for n in range(3):
        await factories.post(
            f"post-{n}", authors=[author], themes=[theme], sections=[section], title=f"Post {n}"
        )


# --- Automatic Persisted Queries -----------------------------------------------------------------


async def test_an_unknown_hash_asks_for_the_document_then_runs_by_hash_over_get(
    client: httpx.AsyncClient,
) -> None:
    await content()
    by_hash = {"operationName": "FrontPage", "variables": VARIABLES}
    missing = await client.get(
        "/graphql", params={**by_hash, "extensions": persisted(FRONT_PAGE_HASH)}
    )
    assert missing.status_code == 200
    assert missing.json() == {
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }
    assert "no-cache" in missing.headers["cache-control"]

    registered = await client.post(
        "/graphql",
        json={
            "query": FRONT_PAGE,
            "variables": {"first": 20},
            "extensions": json.loads(persisted(FRONT_PAGE_HASH)),
        },
    )
    assert len(registered.json()["data"]["posts"]["edges"]) == 3

    found = await client.get(
        "/graphql", params={**by_hash, "extensions": persisted(FRONT_PAGE_HASH)}
    )
    assert found.status_code == 200
    assert found.json() == registered.json()


async def test_a_known_hash_runs_over_post_without_the_document(client: httpx.AsyncClient) -> None:
    await content()
    extensions = json.loads(persisted(FRONT_PAGE_HASH))
    body = {"variables": {"first": 1}, "extensions": extensions}
    assert (await client.post("/graphql", json=body)).json()["errors"][0]["extensions"] == {
        "code": "PERSISTED_QUERY_NOT_FOUND"
    }
    await client.get(
        "/graphql",
        params={
            "query": FRONT_PAGE,
            "variables": VARIABLES,
            "extensions": persisted(FRONT_PAGE_HASH),
        },
    )
    answer = (await client.post("/graphql", json=body)).json()
    assert [edge["node"]["slug"] for edge in answer["data"]["posts"]["edges"]] == ["post-2"]


async def test_a_hash_that_does_not_match_the_document_is_refused(
    client: httpx.AsyncClient,
) -> None:
    wrong = hashlib.sha256(b"{ themes { slug } }").hexdigest()
    response = await client.post(
        "/graphql",
        json={
            "query": FRONT_PAGE,
            "variables": {"first": 1},
            "extensions": json.loads(persisted(wrong)),
        },
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    # ...and the wrong hash was not remembered for the document.
    retry = await client.get("/graphql", params={"extensions": persisted(wrong)})
    assert retry.json()["errors"][0]["message"] == "PersistedQueryNotFound"


@pytest.mark.parametrize(
    ("extensions", "message"),
    [
        ("not json", "The extensions parameter is not valid JSON"),
        ('{"persistedQuery": {"version": 2, "sha256Hash": "ab"}}', "Unsupported persisted query"),
        ('{"persistedQuery": {"version": 1, "sha256Hash": "XYZ"}}', "64 lowercase hexadecimal"),
        ('{"persistedQuery": "abc"}', "extensions.persistedQuery must be an object"),
    ],
)
async def test_malformed_persisted_query_requests_say_what_is_wrong(
    client: httpx.AsyncClient, extensions: str, message: str
) -> None:
    response = await client.get("/graphql", params={"extensions": extensions})
    assert response.status_code == 400
    assert message in response.json()["errors"][0]["message"]


# --- HTTP caching of anonymous GETs --------------------------------------------------------------


async def test_anonymous_gets_carry_cache_control_etag_and_surrogate_keys(
    client: httpx.AsyncClient,
) -> None:
    await content()
    response = await get_front_page(client)
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=120"
    assert response.headers["etag"].startswith('"')
    assert len(response.headers["etag"]) == 34
    assert response.headers["surrogate-key"].split() == ["Person", "Post", "Section", "Theme"]
    assert response.headers["vary"] == "Accept"

    with_ids = await client.get(
        "/graphql", params={"query": '{ post(slug: "post-1") { id title themes { id } } }'}
    )
    post = await Post.get(slug="post-1")
    theme = await Theme.get(slug="peace")
    assert with_ids.headers["surrogate-key"].split() == [
        "Post", "Theme", f"Post:{post.public_id}", f"Theme:{theme.public_id}",
    ]  # fmt: skip


async def test_if_none_match_is_answered_with_304_and_no_body(client: httpx.AsyncClient) -> None:
    await content()
    first = await get_front_page(client)
    again = await get_front_page(client, **{"if-none-match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["cache-control"] == "public, max-age=120"
    other = await get_front_page(client, **{"if-none-match": '"something-else"'})
    assert other.status_code == 200


async def test_cached_answers_are_byte_identical_and_cost_no_sql(
    client: httpx.AsyncClient, sql_counter: SQLCounter
) -> None:
    await content()
    posted = await client.post(
        "/graphql",
        json={"query": FRONT_PAGE, "operationName": "FrontPage", "variables": {"first": 20}},
    )
    sql_counter.reset()
    uncached = await get_front_page(client)
    assert sql_counter.count > 0
    sql_counter.reset()
    cached = await get_front_page(client)
    assert sql_counter.count == 0
    assert cached.content == uncached.content == posted.content
    assert cached.headers["etag"] == uncached.headers["etag"]
    assert int(cached.headers["age"]) >= 0


async def test_publishing_a_post_purges_the_cached_front_page(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    await content()
    draft = await factories.post("breaking", status=PostStatus.DRAFT, published_at=None)
    before = await get_front_page(client)
    assert "breaking" not in before.text
    assert (await get_front_page(client)).content == before.content  # served from the cache

    editor = bearer(await sign_in(Role.EDITOR))
    post_id = base64.b64encode(f"Post:{draft.id}".encode()).decode()
    published = await client.post(
        "/graphql",
        json={
            "query": "mutation($id: ID!) { publishPost(input: {id: $id, version: 1}) "
            "{ errors { code } } }",
            "variables": {"id": post_id},
        },
        headers=editor,
    )
    assert published.json()["data"]["publishPost"]["errors"] == []
    # The row's key and the key of the answers' IDs (made of the public id).
    assert ["Query", "Post", f"Post:{draft.id}", f"Post:{draft.public_id}"] in PURGED
    assert "plugin 'broken-purger' failed in hook purge_cache" in caplog.text

    after = await get_front_page(client)
    assert after.json()["data"]["posts"]["edges"][0]["node"]["slug"] == "breaking"
    assert after.headers["etag"] != before.headers["etag"]


async def test_requests_with_a_token_are_never_cached(
    client: httpx.AsyncClient, sql_counter: SQLCounter
) -> None:
    editor = bearer(await sign_in(Role.EDITOR))
    query = {"query": "{ viewer { email } }"}
    response = await client.get("/graphql", params=query, headers=editor)
    assert response.headers["cache-control"] == "private, no-store"
    assert "etag" not in response.headers
    sql_counter.reset()
    again = await client.get("/graphql", params=query, headers=editor)
    assert sql_counter.count > 0
    assert again.status_code == 200
    assert again.json()["data"]["viewer"]["email"].startswith("editor-")
    anonymous = await client.get("/graphql", params=query)
    assert anonymous.json() == {"data": {"viewer": None}}


async def test_answers_with_errors_are_not_cached(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "{ nope }"})
    assert response.json()["errors"]
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


async def test_answers_naming_no_content_type_are_tagged_query(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": "{ __typename }"})
    assert response.headers["surrogate-key"] == "Query"
    assert response.headers["cache-control"] == "public, max-age=120"


@asynccontextmanager
async def hub_with(
    database_url: str, tmp_path: Path, extra: dict[str, Any]
) -> AsyncIterator[httpx.AsyncClient]:
    """A hub with the delivery plugin and the given settings, on a fresh database."""
    # As the app fixture does: Tortoise caches INSERTs per connection name, not per backend.
    EXECUTOR_CACHE.clear()
    settings = Settings(data_dir=tmp_path, database_url=database_url, extra=extra)
    pm = get_plugin_manager(extra_plugins=[hub_delivery.plugin], load_entry_points=False)
    application = create_app(settings, pm)
    async with LifespanManager(application):
        await Tortoise.generate_schemas()
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            yield client


async def test_the_smallest_max_age_of_the_types_in_an_answer_wins(
    database_url: str, tmp_path: Path
) -> None:
    extra = {TYPE_MAX_AGE: ("Post=30", "Theme=3600")}
    async with hub_with(database_url, tmp_path, extra) as client:
        themes = await client.get("/graphql", params={"query": "{ themes { slug } }"})
        front = await get_front_page(client)
        typename = await client.get("/graphql", params={"query": "{ __typename }"})
    assert themes.headers["cache-control"] == "public, max-age=3600"
    assert front.headers["cache-control"] == "public, max-age=30"
    assert typename.headers["cache-control"] == "public, max-age=60"  # the default


# --- the allow-list ------------------------------------------------------------------------------


async def test_with_the_allow_list_only_registered_operations_run_for_anonymous_clients(
    database_url: str, tmp_path: Path
) -> None:
    async with hub_with(database_url, tmp_path, {ALLOWLIST: True}) as client:
        await content()
        refused = await get_front_page(client)
        assert refused.status_code == 400
        assert refused.json()["errors"][0]["extensions"]["code"] == "OPERATION_NOT_REGISTERED"
        by_hash = {"variables": VARIABLES, "extensions": persisted(FRONT_PAGE_HASH)}
        assert (await client.get("/graphql", params=by_hash)).status_code == 400
        posted = await client.post("/graphql", json={"query": "{ themes { slug } }"})
        assert posted.json()["errors"][0]["extensions"]["code"] == "OPERATION_NOT_REGISTERED"
        # Registering the document over APQ is not a way around the list.
        sneaky = await client.post(
            "/graphql",
            json={
                "query": "{ themes { slug } }",
                "extensions": json.loads(
                    persisted(hashlib.sha256(b"{ themes { slug } }").hexdigest())
                ),
            },
        )
        assert sneaky.status_code == 400

        registration = await register(FRONT_PAGE, "front-page.graphql")
        assert registration.sha256 == FRONT_PAGE_HASH
        assert registration.operation_names == ("FrontPage",)
        by_hash_answer = await client.get("/graphql", params=by_hash)
        assert len(by_hash_answer.json()["data"]["posts"]["edges"]) == 3
        with_text = await get_front_page(client)
        assert with_text.content == by_hash_answer.content

        editor = bearer(await sign_in(Role.EDITOR))
        own = await client.post("/graphql", json={"query": "{ themes { slug } }"}, headers=editor)
        assert own.json() == {"data": {"themes": [{"slug": "peace"}]}}


def test_hub_queries_register_stores_documents_and_prints_their_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = f"sqlite://{tmp_path / 'hub.sqlite3'}"
    monkeypatch.setenv("HUB_DATABASE_URL", database)

    good = tmp_path / "front-page.graphql"
    good.write_text(FRONT_PAGE, encoding="utf-8")
    runner = CliRunner()
    hub = build_cli()
    assert runner.invoke(hub, ["migrate"]).exit_code == 0
    first = runner.invoke(hub, ["queries", "register", str(good)])
    assert first.exit_code == 0, first.output
    assert f"{FRONT_PAGE_HASH}" in first.output
    assert "FrontPage" in first.output
    assert "already registered" in runner.invoke(hub, ["queries", "register", str(good)]).output
    listed = runner.invoke(hub, ["queries", "list"])
    assert FRONT_PAGE_HASH[:20] in listed.output

    broken = tmp_path / "broken.graphql"
    broken.write_text("query { posts(", encoding="utf-8")
    refused = runner.invoke(hub, ["queries", "register", str(broken)])
    assert refused.exit_code == 1
    assert "broken.graphql is not a GraphQL document" in refused.output
    two = tmp_path / "two.graphql"
    two.write_text("{ themes { slug } } { sections { slug } }", encoding="utf-8")
    refused = runner.invoke(hub, ["queries", "register", str(two)])
    assert "each must have a name" in refused.output
