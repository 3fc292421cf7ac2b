"""What a request made goes when its response is sent; the collector runs rarely while serving."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from asgi_lifespan import LifespanManager

from hub.app import create_app
from hub.collector import YOUNG_THRESHOLD
from hub.content.types import PersonType, SectionType, ThemeType
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from tests import factories
from tests.conftest import GraphQLClient

FRONT_PAGE = """{ posts(first: 20) { edges { node { slug authors { name } themes { name }
    sections { name } } } } }"""


@pytest.fixture
def collector_off() -> Iterator[None]:
    """Only reference counting frees objects: what a cycle keeps stays, and can be seen."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def alive(*types: type) -> int:
    return sum(isinstance(thing, types) for thing in gc.get_objects())


async def test_what_a_request_loaded_is_freed_as_soon_as_its_response_is_sent(
    gql: GraphQLClient, collector_off: None
) -> None:
    section = await factories.section("de", name="Germany")
    ada = await factories.person("ada", name="Ada")
    peace = await factories.theme("peace", name="Peace")
    for number in range(3):
        await factories.post(f"post-{number}", authors=[ada], themes=[peace], sections=[section])
    loaded = (PersonType, ThemeType, SectionType)
    assert alive(*loaded) == 0
    data = await gql.data(FRONT_PAGE)
    assert [edge["node"]["authors"] for edge in data["posts"]["edges"]] == [[{"name": "Ada"}]] * 3
    assert alive(*loaded) == 0


async def test_the_young_generation_is_collected_less_often_while_the_hub_serves(
    settings: Settings,
) -> None:
    before = gc.get_threshold()
    assert before[0] < YOUNG_THRESHOLD
    app = create_app(settings, get_plugin_manager(load_entry_points=False))
    async with LifespanManager(app):
        assert gc.get_threshold() == (YOUNG_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
