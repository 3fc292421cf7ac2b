"""People's old photo URLs brought into the media library, with what could not be fetched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hub_media.plugin
import pytest
from hub_media.models import Asset, PersonPhoto
from hub_media.photos import import_photo_urls
from starlette.applications import Starlette

from hub import ContentEvent, Settings, hookimpl
from tests import factories
from tests.conftest import GraphQLClient
from tests.media_support import file_server, free_port, image_bytes, s3_extra, s3_server


class EventRecorder:
    def __init__(self) -> None:
        self.events: list[ContentEvent] = []

    @hookimpl
    def content_event(self, event: ContentEvent) -> None:
        self.events.append(event)


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture(params=["files", "s3"])
def settings(
    database_url: str, tmp_path: Path, request: pytest.FixtureRequest, s3_endpoint: str
) -> Settings:
    extra = s3_extra(s3_endpoint) if request.param == "s3" else {}
    return Settings(data_dir=tmp_path, database_url=database_url, extra=extra)


@pytest.fixture
def recorder() -> EventRecorder:
    return EventRecorder()


@pytest.fixture
def extra_plugins(recorder: EventRecorder) -> list[object]:
    return [hub_media.plugin, recorder]


PHOTOS = """
{ people(first: 10) { edges { node { slug photoUrl photo { alt width height url } } } } }
"""


async def test_photo_urls_become_library_photos_and_failures_are_named(
    app: Starlette, gql: GraphQLClient, recorder: EventRecorder
) -> None:
    files = {
        "/ada.jpg": ("image/jpeg", image_bytes(300, 400)),
        "/notes.jpg": ("image/jpeg", b"not a picture"),
    }
    closed = f"http://127.0.0.1:{free_port()}/gone.jpg"  # nothing listens there
    with file_server(files) as origin:
        await factories.person("ada", name="Ada Lovelace", photo_url=f"{origin}/ada.jpg")
        await factories.person("ada-twin", name="Ada's twin", photo_url=f"{origin}/ada.jpg")
        await factories.person("missing", photo_url=f"{origin}/missing.jpg")
        await factories.person("notes", photo_url=f"{origin}/notes.jpg")
        await factories.person("closed", photo_url=closed)
        await factories.person("none", photo_url="")
        hub = app.state.hub
        report = await import_photo_urls(hub.plugin_manager, hub.settings, seconds_per_server=5)
        again = await import_photo_urls(hub.plugin_manager, hub.settings, seconds_per_server=5)

    assert report.imported == ["ada", "ada-twin"]
    assert report.failed[0] == f"missing ({origin}/missing.jpg): the server answered HTTP 404"
    assert report.failed[1].startswith(f"notes ({origin}/notes.jpg): The file is not an image")
    assert report.failed[2].startswith(f"closed ({closed}): ConnectError")
    assert len(report.failed) == 3
    assert again.imported == []  # done once; the failures are tried again
    assert len(again.failed) == 3
    assert await Asset.all().count() == 1  # one URL, fetched once
    assert await PersonPhoto.all().count() == 2
    people = {
        edge["node"]["slug"]: edge["node"] for edge in (await gql.data(PHOTOS))["people"]["edges"]
    }
    photo = people["ada"]["photo"]
    assert {key: photo[key] for key in ("alt", "width", "height")} == {
        "alt": "Ada Lovelace", "width": 300, "height": 400,
    }  # fmt: skip
    # Deprecated, and now the library photo's URL on the hub: old frontends follow the move.
    assert people["ada"]["photoUrl"] == f"http://hub.test{photo['url']}"
    assert people["missing"]["photo"] is None
    assert people["missing"]["photoUrl"] == f"{origin}/missing.jpg"  # not moved: as stored
    assert sorted(e.slug for e in recorder.events if e.type_name == "Person") == [
        "ada", "ada-twin",
    ]  # fmt: skip


async def test_photo_url_is_deprecated_in_the_schema(gql: GraphQLClient) -> None:
    answer: dict[str, Any] = await gql.data(
        '{ __type(name: "Person") { fields(includeDeprecated: true) '
        "{ name isDeprecated deprecationReason } } }"
    )
    fields = {field["name"]: field for field in answer["__type"]["fields"]}
    assert fields["photoUrl"]["isDeprecated"] is True
    assert "use `photo`" in fields["photoUrl"]["deprecationReason"]
    assert fields["photo"]["isDeprecated"] is False
