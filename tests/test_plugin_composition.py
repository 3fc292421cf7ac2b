"""Plugins compose the schema, the routes and the settings; mistakes fail start-up clearly."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, NewType

import pluggy
import pytest
import strawberry
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from strawberry.dataloader import DataLoader

from hub import (
    ContentEvent,
    Context,
    EventKind,
    Info,
    PluginError,
    PluginMetadata,
    Setting,
    hookimpl,
)
from hub.app import create_app
from hub.events import dispatch_content_events
from hub.graphql.schema import build_schema
from hub.plugins import describe_plugins, get_plugin_manager
from hub.settings import Settings, SettingsError
from tests import factories
from tests.conftest import GraphQLClient
from tests.plugin_helpers import make_plugin


@strawberry.type
class SectionMotto:
    @strawberry.field(description="A motto, loaded in one batch for all sections of a request.")
    async def motto(self, info: Info) -> str:
        motto: str = await info.context.loaders["motto_by_section"].load(self.id)  # type: ignore[attr-defined]
        return motto


batches: list[list[int]] = []


def motto_loader(context: Context) -> DataLoader[int, str]:
    async def load(ids: Sequence[int]) -> list[str]:
        batches.append(list(ids))
        return [f"motto {section_id}" for section_id in ids]

    return DataLoader(load_fn=load)


motto_plugin = make_plugin(
    "motto",
    register_type_extensions=lambda: {"Section": [SectionMotto]},
    register_dataloaders=lambda: {"motto_by_section": motto_loader},
)


def pm_with(*plugins: object) -> pluggy.PluginManager:
    return get_plugin_manager(extra_plugins=plugins, load_entry_points=False)


class TestTypeExtensions:
    @pytest.fixture
    def extra_plugins(self) -> list[object]:
        return [motto_plugin]

    async def test_a_plugin_field_on_a_core_type_resolves_in_one_batch(
        self, gql: GraphQLClient
    ) -> None:
        sections = [await factories.section() for _ in range(3)]
        batches.clear()
        data = await gql.data("{ sections { edges { node { name motto } } } }")
        mottos = [edge["node"]["motto"] for edge in data["sections"]["edges"]]
        assert sorted(mottos) == sorted(f"motto {section.id}" for section in sections)
        assert len(batches) == 1

    async def test_the_extended_type_keeps_its_core_fields_first(self) -> None:
        sdl = build_schema(pm_with(motto_plugin), Settings()).schema.as_str()
        section = sdl[sdl.index("type Section implements Node") :].split("}")[0]
        assert section.index("countryCode") < section.index("motto")

    async def test_the_plain_schema_has_no_trace_of_the_plugin(self) -> None:
        assert "motto" not in build_schema(pm_with(), Settings()).schema.as_str()


def test_two_plugins_adding_the_same_field_fail_naming_both() -> None:
    twin = make_plugin("twin", register_type_extensions=lambda: {"Section": [SectionMotto]})
    with pytest.raises(PluginError, match=r"'motto' and 'twin' both add the field Section\.motto"):
        build_schema(pm_with(motto_plugin, twin), Settings())


def test_a_plugin_redefining_a_core_field_fails_naming_both() -> None:
    @strawberry.type
    class SectionName:
        @strawberry.field
        def name(self) -> str:
            return "shadow"

    shadow = make_plugin("shadow", register_type_extensions=lambda: {"Section": [SectionName]})
    with pytest.raises(PluginError, match=r"'hub.content.plugin' and 'shadow'.*Section\.name"):
        build_schema(pm_with(shadow), Settings())


def test_two_plugins_adding_the_same_type_fail_naming_both() -> None:
    @strawberry.type(name="Campaign")
    class CampaignA:
        slug: str

    @strawberry.type(name="Campaign")
    class CampaignB:
        slug: str

    first = make_plugin("first", register_types=lambda: [CampaignA])
    second = make_plugin("second", register_types=lambda: [CampaignB])
    with pytest.raises(PluginError, match=r"'first' and 'second' both add the type Campaign"):
        build_schema(pm_with(first, second), Settings())


def test_two_plugins_adding_the_same_query_field_fail_naming_both() -> None:
    @strawberry.type
    class Hello:
        @strawberry.field
        def hello(self) -> str:
            return "hi"

    first = make_plugin("first", register_queries=lambda: [Hello])
    second = make_plugin("second", register_queries=lambda: [Hello])
    with pytest.raises(PluginError, match=r"'first' and 'second' both add the field Query\.hello"):
        build_schema(pm_with(first, second), Settings())


Percent = NewType("Percent", int)


def _parse_percent(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
        raise ValueError(f"Percent must be a whole number from 0 to 100, got {value!r}")
    return value


PERCENT = strawberry.scalar(
    name="Percent", description="0 to 100.", serialize=int, parse_value=_parse_percent
)


@strawberry.type
class Echo:
    @strawberry.field
    def echo(self, share: Percent) -> Percent:
        return Percent(share)


class TestScalars:
    @pytest.fixture
    def extra_plugins(self) -> list[object]:
        return [
            make_plugin(
                "percent",
                register_scalars=lambda: {Percent: PERCENT},
                register_queries=lambda: [Echo],
            )
        ]

    async def test_a_plugin_scalar_is_served_parsed_and_described(
        self, app: Any, gql: GraphQLClient
    ) -> None:
        query = "query($s: Percent!) { echo(share: $s) }"
        assert await gql.data(query, {"s": 42}) == {"echo": 42}
        assert "from 0 to 100, got 140" in await gql.error(query, {"s": 140})
        sdl = app.state.hub.built.schema.as_str()
        assert '"""0 to 100."""\nscalar Percent' in sdl
        assert "echo(share: Percent!): Percent!" in sdl

    def test_two_plugins_adding_a_scalar_for_one_type_fail_naming_both(self) -> None:
        again = make_plugin("again", register_scalars=lambda: {Percent: PERCENT})
        percent = make_plugin("percent", register_scalars=lambda: {Percent: PERCENT})
        with pytest.raises(
            PluginError, match=r"'again' and 'percent' both add a scalar for .*Percent"
        ):
            build_schema(pm_with(again, percent), Settings())

    def test_two_scalars_of_one_name_fail_naming_both(self) -> None:
        other = NewType("other", int)
        first = make_plugin("first", register_scalars=lambda: {Percent: PERCENT})
        second = make_plugin("second", register_scalars=lambda: {other: PERCENT})
        with pytest.raises(PluginError, match=r"'first' and 'second' both add the type Percent"):
            build_schema(pm_with(first, second), Settings())
        twice = make_plugin("twice", register_scalars=lambda: {Percent: PERCENT, other: PERCENT})
        with pytest.raises(PluginError, match=r"Plugin 'twice' adds the type Percent twice"):
            build_schema(pm_with(twice), Settings())

    def test_a_scalar_named_like_a_type_or_a_built_in_scalar_fails_naming_the_plugin(
        self,
    ) -> None:
        section = strawberry.scalar(name="Section", serialize=str, parse_value=str)
        shadow = make_plugin("shadow", register_scalars=lambda: {Percent: section})
        with pytest.raises(PluginError, match=r"'hub.content.plugin' and 'shadow' both add"):
            build_schema(pm_with(shadow), Settings())
        clock = strawberry.scalar(name="DateTime", serialize=str, parse_value=str)
        clocks = make_plugin("clocks", register_scalars=lambda: {Percent: clock})
        with pytest.raises(PluginError, match=r"'clocks' adds the scalar DateTime, the name of a"):
            build_schema(pm_with(clocks), Settings())

    def test_a_scalar_that_is_not_a_scalar_definition_fails_clearly(self) -> None:
        wrong = make_plugin("wrong", register_scalars=lambda: {Percent: int})
        with pytest.raises(PluginError, match=r"'wrong' maps .*Percent.* expected strawberry"):
            build_schema(pm_with(wrong), Settings())


def test_extending_a_type_nobody_registers_fails_clearly() -> None:
    lost = make_plugin("lost", register_type_extensions=lambda: {"Campaign": [SectionMotto]})
    with pytest.raises(PluginError, match=r"'lost' extends the type 'Campaign'"):
        build_schema(pm_with(lost), Settings())


def test_a_misspelt_hook_name_fails_start_up() -> None:
    typo = make_plugin("typo", register_querys=lambda: [])
    with pytest.raises(PluginError, match=r"'typo'.*register_querys"):
        pm_with(typo)


def test_a_misspelt_hook_argument_fails_start_up() -> None:
    typo = make_plugin("typo", register_routes=lambda setings: [])
    with pytest.raises(PluginError, match=r"'typo'.*setings"):
        pm_with(typo)


def test_a_hook_that_raises_names_its_plugin() -> None:
    def broken() -> list[type]:
        raise RuntimeError("database of mottos missing")

    faulty = make_plugin("faulty", register_queries=broken)
    with pytest.raises(
        PluginError, match=r"'faulty' failed in hook register_queries: RuntimeError: database"
    ):
        build_schema(pm_with(faulty), Settings())


def test_disabled_plugins_are_not_loaded() -> None:
    pm = get_plugin_manager(
        disabled=["motto"], extra_plugins=[motto_plugin], load_entry_points=False
    )
    assert "motto" not in [info.name for info in describe_plugins(pm)]
    assert "hub.content.plugin" in [info.name for info in describe_plugins(pm)]


def test_parts_a_plugin_registers_at_start_up_are_listed_as_the_plugins() -> None:
    class Engine:
        @hookimpl
        def content_event(self, event: ContentEvent) -> None:
            pass

    pm = get_plugin_manager(extra_plugins=[motto_plugin], load_entry_points=False)
    pm.register(Engine(), name="motto.engine")
    pm.register(Engine(), name="stranger.part")
    listed = {info.name: info for info in describe_plugins(pm)}
    assert "motto.engine" not in listed
    assert "content_event" in listed["motto"].hooks
    assert "register_dataloaders" in listed["motto"].hooks
    # Only a registered plugin's name claims a part: anything else is a plugin of its own.
    assert "stranger.part" in listed


def test_plugin_settings_are_read_and_validated() -> None:
    def positive(value: int) -> None:
        if value <= 0:
            raise ValueError("must be positive")

    declared = [Setting("HUB_MOTTO_LENGTH", int, 10, "Longest motto.", positive)]
    settings = Settings().with_plugin_settings(declared, {"HUB_MOTTO_LENGTH": "42"})
    assert settings.get("HUB_MOTTO_LENGTH") == 42
    assert Settings().with_plugin_settings(declared, {}).get("HUB_MOTTO_LENGTH") == 10
    with pytest.raises(
        SettingsError, match=r"HUB_MOTTO_LENGTH='-3' is not valid: must be positive"
    ):
        Settings().with_plugin_settings(declared, {"HUB_MOTTO_LENGTH": "-3"})
    with pytest.raises(SettingsError, match=r"HUB_MOTTO_LENGTH='many' is not valid"):
        Settings().with_plugin_settings(declared, {"HUB_MOTTO_LENGTH": "many"})


def test_core_settings_name_the_bad_variable() -> None:
    with pytest.raises(SettingsError, match=r"HUB_PORT='eighty' is not valid"):
        Settings.from_env({"HUB_PORT": "eighty"})
    with pytest.raises(SettingsError, match=r"HUB_DATABASE_URL='mysql://x' is not valid"):
        Settings.from_env({"HUB_DATABASE_URL": "mysql://x"})
    assert Settings.from_env({"HUB_DEBUG": "yes", "HUB_PLUGINS_DISABLED": "a, b"}).debug is True
    assert Settings.from_env({"HUB_PLUGINS_DISABLED": "a, b"}).plugins_disabled == ("a", "b")


async def test_a_failing_event_handler_is_logged_and_the_others_still_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    received: list[str] = []

    def explode(event: ContentEvent) -> None:
        raise RuntimeError("index offline")

    async def record(event: ContentEvent) -> None:
        received.append(event.slug)

    pm = pm_with(
        make_plugin("exploding", content_event=explode),
        make_plugin("recording", content_event=record),
    )
    event = ContentEvent(EventKind.POST_PUBLISHED, "Post", 1, "hello")
    with caplog.at_level(logging.ERROR, logger="hub.events"):
        await dispatch_content_events(pm, [event])
    assert received == ["hello"]
    assert "plugin 'exploding' failed handling post.published for Post 'hello'" in caplog.text


class TestRoutesAndLifecycle:
    calls: list[str] = []

    @staticmethod
    async def hello(request: Request) -> PlainTextResponse:
        return PlainTextResponse("hello from a plugin")

    @pytest.fixture
    def extra_plugins(self) -> list[object]:
        calls = self.calls

        async def startup(settings: Settings) -> None:
            calls.append("startup")

        def shutdown() -> None:
            calls.append("shutdown")

        return [
            make_plugin(
                "greeter",
                register_routes=lambda: [Route("/greeter/hello", self.hello)],
                startup=startup,
                shutdown=shutdown,
            )
        ]

    async def test_plugin_routes_answer_and_startup_ran(self, client: Any) -> None:
        response = await client.get("/greeter/hello")
        assert response.status_code == 200
        assert response.text == "hello from a plugin"
        assert self.calls[-1] == "startup"


def test_plugins_can_publish_hookspecs_for_other_plugins() -> None:
    import types

    spec_module = types.ModuleType("provider_specs")
    marker = pluggy.HookspecMarker("hub")

    def payment_providers() -> list[str]:  # type: ignore[empty-body]
        """Name the payment providers you add."""

    payment_providers.__name__ = "payment_providers"
    spec_module.payment_providers = marker(payment_providers)  # type: ignore[attr-defined]

    def add_hookspecs(plugin_manager: pluggy.PluginManager) -> None:
        plugin_manager.add_hookspecs(spec_module)

    host = make_plugin("donations", add_hookspecs=add_hookspecs)
    provider = make_plugin("stripe", payment_providers=lambda: ["stripe"])
    pm = pm_with(provider, host)  # the provider may even load before the host
    assert pm.hook.payment_providers() == [["stripe"]]


def test_create_app_reports_a_plugin_error_before_serving() -> None:
    faulty = make_plugin("faulty", register_routes=lambda: 1 / 0)
    with pytest.raises(PluginError, match="'faulty' failed in hook register_routes"):
        create_app(Settings(), pm_with(faulty))


def test_two_plugins_serving_the_same_path_fail_naming_both() -> None:
    async def page(request: Request) -> PlainTextResponse:
        return PlainTextResponse("")

    # Both declare the prefix (a plugin's own is /<name>), so only the collision is left.
    shared = PluginMetadata(route_prefixes=("/shared",))
    first = make_plugin(
        "first",
        register_routes=lambda: [Route("/shared/feed", page)],
        plugin_metadata=lambda: shared,
    )
    second = make_plugin(
        "second",
        register_routes=lambda: [Route("/shared/feed", page)],
        plugin_metadata=lambda: shared,
    )
    with pytest.raises(PluginError, match=r"'first' and 'second' both serve the path /shared/feed"):
        create_app(Settings(), pm_with(first, second))
    hijack = make_plugin(
        "hijack",
        register_routes=lambda: [Route("/graphql", page)],
        plugin_metadata=lambda: PluginMetadata(route_prefixes=("/graphql",)),
    )
    with pytest.raises(PluginError, match=r"'hub' and 'hijack' both serve the path /graphql"):
        create_app(Settings(), pm_with(hijack))


async def test_batch_handlers_get_imports_in_chunks_and_failures_stay_isolated(
    caplog: pytest.LogCaptureFixture,
) -> None:
    batches: list[int] = []

    async def content_events(events: Sequence[ContentEvent]) -> None:
        batches.append(len(events))

    def broken(events: Sequence[ContentEvent]) -> None:
        raise RuntimeError("purge failed")

    pm = pm_with(
        make_plugin("broken-cdn", content_events=broken),
        make_plugin("indexer", content_events=content_events),
    )
    events = [ContentEvent(EventKind.POST_PUBLISHED, "Post", n, f"p{n}") for n in range(2500)]
    with caplog.at_level(logging.ERROR, logger="hub.events"):
        await dispatch_content_events(pm, events)
    assert batches == [1000, 1000, 500]
    assert "plugin 'broken-cdn' failed handling a batch of 1000 content events" in caplog.text
