"""A plugin supplies the value of a field another plugin declares (``register_field_resolvers``),
the schema unchanged; two plugins answering one field stop start-up naming both."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from hub import Info, PluginError, Settings
from hub.app import create_app
from hub.graphql.schema import build_schema, exported_sdl
from hub.plugins import get_plugin_manager
from tests import factories
from tests.conftest import GraphQLClient
from tests.plugin_helpers import make_plugin

SECTIONS = "{ sections(first: 10) { edges { node { slug website } } } }"


async def listed_website(root: Any, info: Info, stored: str | None) -> str | None:
    """A directory that knows some sections' sites better than what was typed in."""
    listed = {"geneva": "https://geneva.example.org/"}
    return listed.get(root.slug, stored)


def directory(name: str = "directory") -> object:
    return make_plugin(
        name, register_field_resolvers=lambda: {"Section": {"website": listed_website}}
    )


def sdl(*plugins: object) -> str:
    pm = get_plugin_manager(extra_plugins=list(plugins), load_entry_points=False)
    return exported_sdl(build_schema(pm, Settings()).schema)


class TestAnsweredField:
    @pytest.fixture
    def extra_plugins(self) -> list[object]:
        return [directory()]

    @pytest.fixture(params=[True, False], ids=["compiled", "graphql-core"])
    def settings(
        self, database_url: str, tmp_path: Path, request: pytest.FixtureRequest
    ) -> Settings:
        base = Settings(data_dir=tmp_path, database_url=database_url)
        return replace(base, compiled_execution=request.param)

    async def test_the_plugin_answers_and_falls_back_to_the_stored_value(
        self, gql: GraphQLClient
    ) -> None:
        await factories.section("geneva", website="https://old.example.org/")
        await factories.section("lagos", website="https://lagos.example.org/")
        await factories.section("lima", website="")
        data = await gql.data(SECTIONS)
        websites = {
            edge["node"]["slug"]: edge["node"]["website"] for edge in data["sections"]["edges"]
        }
        assert websites == {
            "geneva": "https://geneva.example.org/",
            "lagos": "https://lagos.example.org/",
            "lima": None,  # the stored value as the field serves it (empty: null)
        }


def test_answering_a_field_leaves_the_schema_as_it_was() -> None:
    assert sdl(directory()) == sdl()


def test_two_plugins_answering_one_field_stop_start_up_naming_both() -> None:
    pm = get_plugin_manager(
        extra_plugins=[directory("directory"), directory("registry")], load_entry_points=False
    )
    with pytest.raises(
        PluginError,
        match=r"Plugins 'directory' and 'registry' both answer the field Section\.website",
    ):
        create_app(Settings(), pm)


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        (
            {"Sections": {"website": listed_website}},
            r"Plugin 'directory' answers fields of the type 'Sections', which no loaded plugin "
            r"registers \(known: .*Section,",
        ),
        (
            {"Section": {"homepage": listed_website}},
            r"Plugin 'directory' answers the field Section\.homepage, which does not exist\.",
        ),
        (
            {"Person": {"section": listed_website}},
            r"answers the field Person\.section, which has a resolver of its own",
        ),
        (
            {"Post": {"body": listed_website}},
            r"answers the field Post\.body, which has a resolver of its own",
        ),
        (
            {"Section": {"website": "https://example.org"}},
            r"answers the field Section\.website with 'https://example\.org': expected a function",
        ),
    ],
    ids=["unknown type", "unknown field", "loaded field", "field with arguments", "not callable"],
)
def test_a_field_that_cannot_be_answered_stops_start_up(
    answers: dict[str, Any], message: str
) -> None:
    plugin = make_plugin("directory", register_field_resolvers=lambda: answers)
    with pytest.raises(PluginError, match=message):
        sdl(plugin)
