"""Each extension point a plugin author has, exercised the way a plugin uses it."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
import strawberry
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension
from typer.testing import CliRunner

from hub import ModelApp, PluginError, PostStatus, Settings
from hub.cli import build_cli
from hub.db import model_apps
from hub.graphql.schema import build_schema
from hub.plugins import get_plugin_manager
from tests import factories
from tests.conftest import GraphQLClient
from tests.plugin_helpers import make_plugin
from tests.sample_models import Bookmark

bookmarks_plugin = make_plugin(
    "bookmarks", register_models=lambda: [ModelApp("sample", ("tests.sample_models",))]
)


class TestModels:
    @pytest.fixture
    def extra_plugins(self) -> list[object]:
        return [bookmarks_plugin]

    async def test_a_plugin_table_lives_beside_the_core_tables(self, gql: GraphQLClient) -> None:
        post = await factories.post("bookmarked")
        await Bookmark.create(post=post, note="read later")
        assert await Bookmark.filter(post__slug="bookmarked").count() == 1


def test_two_plugins_claiming_one_app_label_fail_naming_both() -> None:
    twin = make_plugin(
        "twin", register_models=lambda: [ModelApp("sample", ("tests.sample_models",))]
    )
    pm = get_plugin_manager(extra_plugins=[bookmarks_plugin, twin], load_entry_points=False)
    with pytest.raises(PluginError, match=r"'bookmarks' and 'twin' both declare the model app"):
        model_apps(pm, Settings())


@strawberry.type
class Countdown:
    @strawberry.subscription(description="Counts down from `start`.")
    async def countdown(self, start: int) -> AsyncGenerator[int, None]:
        for number in range(start, 0, -1):
            yield number


async def test_subscriptions_from_a_plugin_stream_results() -> None:
    plugin = make_plugin("countdown", register_subscriptions=lambda: [Countdown])
    pm = get_plugin_manager(extra_plugins=[plugin], load_entry_points=False)
    schema = build_schema(pm, Settings()).schema
    assert "type Subscription" in schema.as_str()
    stream = await schema.subscribe("subscription { countdown(start: 3) }")
    numbers = [result.data["countdown"] async for result in stream]  # type: ignore[union-attr]
    assert numbers == [3, 2, 1]


class StampExtension(SchemaExtension):
    def get_results(self) -> dict[str, Any]:
        return {"stamp": "from a plugin"}


class HeaderMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-plugin", b"yes")]
            await send(message)

        await self.app(scope, receive, stamped)


class TestSchemaExtensionsAndMiddleware:
    @pytest.fixture
    def extra_plugins(self) -> list[object]:
        return [
            make_plugin(
                "stamper",
                register_schema_extensions=lambda: [StampExtension],
                register_middleware=lambda: [Middleware(HeaderMiddleware)],
            )
        ]

    async def test_both_apply_to_every_request(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/graphql", json={"query": "{ themes { slug } }"})
        assert response.headers["x-plugin"] == "yes"
        assert response.json()["extensions"] == {"stamp": "from a plugin"}


def test_plugin_commands_join_the_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    def register_commands(cli: Any) -> None:
        @cli.command("hello-plugin")
        def hello() -> None:
            print("hello from the plugin")

    plugin = make_plugin("greeter", register_commands=register_commands)
    original = get_plugin_manager

    def with_greeter(**kwargs: Any) -> Any:
        return original(extra_plugins=[plugin], load_entry_points=False, **kwargs)

    monkeypatch.setattr("hub.cli.get_plugin_manager", with_greeter)
    result = CliRunner().invoke(build_cli(), ["hello-plugin"])
    assert result.exit_code == 0, result.output
    assert "hello from the plugin" in result.output


class ReadsDrafts:
    def has_scope(self, scope: str) -> bool:
        return scope == "content:read-drafts"


def actor_from_header(request: Any) -> Callable[[], Any] | None:
    if request.headers.get("x-test-actor") != "editor":
        return None

    async def actor() -> ReadsDrafts:
        return ReadsDrafts()

    return actor


class TestActors:
    @pytest.fixture
    def extra_plugins(self) -> list[object]:
        return [make_plugin("test-auth", actor_from_request=actor_from_header)]

    async def test_an_actor_with_the_scope_sees_drafts_newest_first(
        self, gql: GraphQLClient
    ) -> None:
        await factories.post("published", published_at=datetime(2020, 1, 1, tzinfo=UTC))
        await factories.post("draft", status=PostStatus.DRAFT, published_at=None)
        await factories.post(
            "scheduled",
            status=PostStatus.SCHEDULED,
            published_at=datetime.now(UTC) + timedelta(days=3),
        )
        query = "{ posts { totalCount edges { node { slug } } } }"
        anonymous = await gql.data(query)
        assert [e["node"]["slug"] for e in anonymous["posts"]["edges"]] == ["published"]
        gql.headers["x-test-actor"] = "editor"
        editor = await gql.data(query)
        assert editor["posts"]["totalCount"] == 3
        slugs = [e["node"]["slug"] for e in editor["posts"]["edges"]]
        assert slugs == ["scheduled", "draft", "published"]
        # a draft's cursor (no publication date) still pages correctly
        second = await gql.data("{ posts(first: 2) { pageInfo { endCursor } } }")
        after = second["posts"]["pageInfo"]["endCursor"]
        rest = await gql.data(
            "query($a: String) { posts(after: $a) { edges { node { slug } } } }", {"a": after}
        )
        assert [e["node"]["slug"] for e in rest["posts"]["edges"]] == ["published"]


def test_plugin_settings_reach_the_app_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hub import Setting
    from hub.app import create_app
    from hub.settings import SettingsError

    declared = [Setting("HUB_GREETER_WORD", str, "hello", "The greeting.")]
    plugin = make_plugin("greeter", register_settings=lambda: declared)
    pm = get_plugin_manager(extra_plugins=[plugin], load_entry_points=False)
    monkeypatch.setenv("HUB_GREETER_WORD", "bonjour")
    app = create_app(Settings(), pm)
    assert app.state.hub.settings.get("HUB_GREETER_WORD") == "bonjour"

    strict = [Setting("HUB_GREETER_TIMES", int, 1, "How often.")]
    counting = make_plugin("greeter", register_settings=lambda: strict)
    monkeypatch.setenv("HUB_GREETER_TIMES", "often")
    with pytest.raises(SettingsError, match="HUB_GREETER_TIMES='often' is not valid"):
        create_app(
            Settings(), get_plugin_manager(extra_plugins=[counting], load_entry_points=False)
        )


async def test_a_startup_hook_that_raises_names_its_plugin(tmp_path: Any) -> None:
    from asgi_lifespan import LifespanManager

    from hub.app import create_app

    async def startup() -> None:
        raise ConnectionError("cache server unreachable")

    plugin = make_plugin("cache", startup=startup)
    pm = get_plugin_manager(extra_plugins=[plugin], load_entry_points=False)
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite://{tmp_path / 'hub.sqlite3'}")
    with pytest.raises(
        PluginError, match="'cache' failed in hook startup: ConnectionError: cache server"
    ):
        async with LifespanManager(create_app(settings, pm)):
            pass
