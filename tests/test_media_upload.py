"""Uploading images: GraphQL multipart requests with `media:write`; bad files stored nowhere."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import hub_media.plugin
import pytest
from hub_media.images import RefusedImage, inspect_image
from hub_media.models import Asset
from hub_media.settings import MAX_PIXELS, MAX_UPLOAD_BYTES
from PIL import Image
from starlette.applications import Starlette

from hub import Settings
from hub.app import create_app
from hub.plugins import get_plugin_manager
from tests.media_support import image_bytes, media_token

UPLOAD = """
mutation Upload($file: Upload!, $details: ImageDetailsInput) {
  uploadImage(file: $file, details: $details) {
    id width height contentType byteSize alt credit focalPoint { x y }
    placeholder { color blurhash }
  }
}
"""


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_media.plugin]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        extra={MAX_UPLOAD_BYTES: 300_000, MAX_PIXELS: 2_000_000},
    )


@pytest.fixture
async def editor(app: Starlette) -> dict[str, str]:
    return {"authorization": f"Bearer {await media_token(app.state.hub.plugin_manager)}"}


async def upload(
    client: httpx.AsyncClient,
    content: bytes,
    filename: str = "photo.jpg",
    headers: dict[str, str] | None = None,
    details: dict[str, Any] | None = None,
) -> httpx.Response:
    """A GraphQL multipart request (the spec's `operations`, `map` and one file part)."""
    operations = {"query": UPLOAD, "variables": {"file": None, "details": details}}
    return await client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (filename, content, "application/octet-stream")},
        headers=headers or {},
    )


def stored_originals(tmp_path: Path) -> list[str]:
    folder = tmp_path / "media" / "originals"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


async def test_an_editor_uploads_an_image_and_gets_its_details(
    client: httpx.AsyncClient, editor: dict[str, str], tmp_path: Path
) -> None:
    details = {"alt": "Delegates at the congress", "credit": "A. Photographer"}
    response = await upload(client, image_bytes(640, 480), headers=editor, details=details)
    image = response.json()["data"]["uploadImage"]
    assert (image["width"], image["height"]) == (640, 480)
    assert image["contentType"] == "image/jpeg"
    assert image["alt"] == "Delegates at the congress"
    assert image["credit"] == "A. Photographer"
    assert image["focalPoint"] == {"x": 0.5, "y": 0.5}
    assert image["placeholder"]["color"] == "#c82828"  # the red half, as the JPEG keeps it
    assert len(image["placeholder"]["blurhash"]) == 28  # 4x3 components
    assert len(stored_originals(tmp_path)) == 1
    assert image["byteSize"] == (await Asset.get()).byte_size


async def test_the_orientation_tag_decides_width_and_height(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    # Orientation 6: the camera was held upright; the picture is shown turned a quarter.
    response = await upload(client, image_bytes(640, 480, orientation=6), headers=editor)
    image = response.json()["data"]["uploadImage"]
    assert (image["width"], image["height"]) == (480, 640)


def svg() -> bytes:
    return b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def noise_jpeg() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((700, 700), 90).convert("RGB").save(out, "JPEG", quality=98)
    return out.getvalue()


BAD_FILES: dict[str, tuple[Callable[[], bytes], str]] = {
    "text named .jpg": (lambda: b"just some notes, not a picture\n" * 20, "is not an image"),
    "svg": (svg, "SVG images are not accepted"),
    "too many pixels": (lambda: image_bytes(2000, 1200, "PNG"), "at most 2,000,000 are accepted"),
    "too many bytes": (noise_jpeg, "larger than 0.3 MB"),
    "truncated": (lambda: image_bytes(800, 600)[:-3000], "damaged or truncated"),
    "empty": (lambda: b"", "The file is empty"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
async def test_bad_files_are_refused_with_a_reason_and_nothing_is_stored(
    client: httpx.AsyncClient, editor: dict[str, str], tmp_path: Path, case: str
) -> None:
    make, reason = BAD_FILES[case]
    response = await upload(client, make(), headers=editor)
    body = response.json()
    assert body["data"] is None
    error = body["errors"][0]
    assert reason in error["message"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": "file"}
    assert await Asset.all().count() == 0
    assert stored_originals(tmp_path) == []


def test_pillows_own_bomb_limit_is_an_error_not_a_warning(tmp_path: Path) -> None:
    # Past Image.MAX_IMAGE_PIXELS Pillow only warns (it raises at twice that): a one-bit PNG
    # just over the limit is a few kilobytes on disk.
    assert Image.MAX_IMAGE_PIXELS is not None
    side = int(Image.MAX_IMAGE_PIXELS**0.5) + 10
    path = tmp_path / "bomb.png"
    Image.new("1", (side, side)).save(path)
    with pytest.raises(RefusedImage, match="too many pixels"):
        inspect_image(path, max_pixels=10 * side * side)


async def test_uploading_needs_the_media_write_scope(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    token = await media_token(app.state.hub.plugin_manager, scopes=["content:write"])
    response = await upload(client, image_bytes(), headers={"authorization": f"Bearer {token}"})
    error = response.json()["errors"][0]
    assert "`uploadImage` needs the scope `media:write`" in error["message"]
    assert error["extensions"]["code"] == "FORBIDDEN"


async def test_focal_points_outside_the_image_are_refused(
    client: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    details = {"focalPoint": {"x": 1.5, "y": 0.2}}
    response = await upload(client, image_bytes(), headers=editor, details=details)
    error = response.json()["errors"][0]
    assert error["extensions"]["argument"] == "details.focalPoint"
    assert "between 0 and 1" in error["message"]


async def test_a_multipart_request_without_a_preflight_header_is_refused(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    # What a cross-site HTML form can send: multipart/form-data and no custom header.
    response = await upload(client, image_bytes())
    assert response.status_code == 400
    assert "needs an `Authorization` or `GraphQL-Require-Preflight` header" in response.text
    assert stored_originals(tmp_path) == []


async def test_without_a_plugin_taking_uploads_multipart_requests_are_refused(
    settings: Settings,
) -> None:
    core_only = create_app(settings, get_plugin_manager(load_entry_points=False))
    transport = httpx.ASGITransport(app=core_only)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        response = await upload(client, image_bytes(), headers={"graphql-require-preflight": "1"})
    assert response.status_code == 400
    assert "Unsupported content type" in response.text


async def test_a_file_written_in_the_query_is_refused_naming_the_argument(
    client: httpx.AsyncClient, editor: dict[str, str], tmp_path: Path
) -> None:
    # Strawberry's Upload scalar takes any literal; only a multipart part is a file.
    response = await client.post(
        "/graphql",
        json={"query": 'mutation { uploadImage(file: "photo.jpg") { id } }'},
        headers=editor,
    )
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == "file"
    assert "multipart request" in error["message"]
    assert stored_originals(tmp_path) == []
