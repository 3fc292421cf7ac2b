"""`hub media export DIR` / `hub media import DIR`: records and files, all or nothing."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import hub_media.plugin
import pytest
from hub_media.models import Asset, PersonPhoto, PostImage
from hub_media.runtime import storage
from hub_media.transfer import InvalidMedia, export_media, import_media
from PIL import Image
from starlette.applications import Starlette

from hub import Settings
from tests import factories
from tests.conftest import GraphQLClient
from tests.media_support import add_image, image_bytes, s3_extra, s3_server


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture(params=["files", "s3"])
def settings(
    database_url: str, tmp_path: Path, request: pytest.FixtureRequest, s3_endpoint: str
) -> Settings:
    extra = s3_extra(s3_endpoint) if request.param == "s3" else {}
    return Settings(data_dir=tmp_path / "hub", database_url=database_url, extra=extra)


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_media.plugin]


FEATURED = '{ post(slug: "march") { featuredImage { alt caption focalPoint { x y } width } } }'


async def library(app: Starlette) -> None:
    march = await add_image(app, image_bytes(900, 600), alt="Marching", caption="Berlin",
                            focal_x=0.25, focal_y=0.75)  # fmt: skip
    ada = await add_image(app, image_bytes(300, 400, "PNG"), alt="Ada")
    await add_image(app, image_bytes(100, 100))  # shown nowhere
    post = await factories.post("march")
    person = await factories.person("ada")
    await PostImage.create(post_id=post.id, asset_id=march)
    await PersonPhoto.create(person_id=person.id, asset_id=ada)


async def forget_library(app: Starlette) -> None:
    hub = app.state.hub
    store = storage(hub.plugin_manager, hub.settings)
    for key in await Asset.all().values_list("original_key", flat=True):
        store.delete(str(key))
    await PostImage.all().delete()
    await PersonPhoto.all().delete()
    await Asset.all().delete()


async def test_a_library_exported_and_imported_again_is_whole(
    app: Starlette, gql: GraphQLClient, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    await library(app)
    hub = app.state.hub
    before = await gql.data(FEATURED)
    folder = tmp_path / "export"
    assert await export_media(hub.plugin_manager, hub.settings, folder) == 3
    document = json.loads((folder / "media.json").read_text())
    first = document["assets"][0]
    assert (first["alt"], first["focal_point"]) == ("Marching", [0.25, 0.75])
    assert first["shown_on"] == {"posts": ["march"]}
    assert document["assets"][1]["shown_on"] == {"people": ["ada"]}
    assert len(list((folder / "originals").iterdir())) == 3

    await forget_library(app)
    assert (await gql.data(FEATURED))["post"]["featuredImage"] is None
    report = await import_media(hub.plugin_manager, hub.settings, folder)
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert [event.slug for event in report.events] == ["march", "ada"]
    assert await gql.data(FEATURED) == before
    # The imported original makes renditions again.
    shown = await gql.data('{ post(slug: "march") { featuredImage { url(width: 90) } } }')
    response = await client.get(shown["post"]["featuredImage"]["url"])
    assert response.status_code == 200
    assert Image.open(io.BytesIO(response.content)).size == (90, 60)

    again = await import_media(hub.plugin_manager, hub.settings, folder)
    assert (again.created, again.updated, again.unchanged, again.events) == (0, 0, 3, [])


async def test_a_bad_folder_is_refused_whole_naming_every_problem(
    app: Starlette, tmp_path: Path
) -> None:
    await library(app)
    hub = app.state.hub
    folder = tmp_path / "export"
    await export_media(hub.plugin_manager, hub.settings, folder)
    await forget_library(app)
    document: dict[str, Any] = json.loads((folder / "media.json").read_text())
    records = document["assets"]
    (folder / records[1]["key"]).write_text("not a picture")
    records[2]["shown_on"] = {"sections": ["nowhere"]}
    records[0]["alt"] = "x" * 1001
    (folder / "media.json").write_text(json.dumps(document))

    with pytest.raises(InvalidMedia) as raised:
        await import_media(hub.plugin_manager, hub.settings, folder)

    problems = raised.value.problems
    assert len(problems) == 3
    assert problems[0].startswith(f'assets[0] ({records[0]["key"]}): "alt" must be text of at most')
    assert problems[1].startswith(f"assets[1] ({records[1]['key']}): The file is not an image")
    assert problems[2] == f"{records[2]['key']}: shown on sections 'nowhere', which does not exist"
    assert not await Asset.exists()
    store = storage(hub.plugin_manager, hub.settings)
    assert not store.load(records[2]["key"], io.BytesIO())  # no file stored either
