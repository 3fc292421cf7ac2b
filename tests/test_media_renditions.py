"""Renditions: signed URLs at the sizes a layout asks for, made once, cached for a year."""

from __future__ import annotations

import base64
import io
import uuid
from pathlib import Path
from typing import Any

import boto3
import httpx
import hub_media.plugin
import pytest
from hub_media.renditions import FORMATS
from hub_media.settings import (
    BASE_URL,
    MAX_RENDITION_SIZE,
    S3_ACCESS_KEY_ID,
    S3_BUCKET,
    S3_ENDPOINT_URL,
    S3_REGION,
    S3_SECRET_ACCESS_KEY,
)
from PIL import Image
from starlette.applications import Starlette

from hub import Settings
from tests.conftest import GraphQLClient, SQLCounter
from tests.media_support import GPS_IFD, add_image, image_bytes, media_token, s3_server


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_media.plugin]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        extra={"HUB_SECRET_KEY": "k" * 40, MAX_RENDITION_SIZE: 2000},
    )


def node_id(pk: int) -> str:
    return base64.b64encode(f"Image:{pk}".encode()).decode()


async def image_field(gql: GraphQLClient, pk: int, selection: str) -> dict[str, Any]:
    query = f'{{ node(id: "{node_id(pk)}") {{ ... on Image {{ {selection} }} }} }}'
    node: dict[str, Any] = (await gql.data(query))["node"]
    return node


async def fetch_image(client: httpx.AsyncClient, url: str) -> tuple[httpx.Response, Image.Image]:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    return response, Image.open(io.BytesIO(response.content))


async def test_a_rendition_has_the_asked_size_format_and_no_exif(
    app: Starlette, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    pk = await add_image(app, image_bytes(1600, 1200, gps=True))
    stored = Image.open(io.BytesIO(image_bytes(1600, 1200, gps=True)))
    assert stored.getexif().get_ifd(GPS_IFD)  # the test photo does carry a position
    urls = await image_field(
        gql, pk, "jpeg: url(width: 400) webp: url(width: 400, format: WEBP) "
        "square: url(width: 300, height: 300, format: PNG)",
    )  # fmt: skip
    for name, size, fmt in (
        ("jpeg", (400, 300), "JPEG"),
        ("webp", (400, 300), "WEBP"),
        ("square", (300, 300), "PNG"),
    ):
        response, rendition = await fetch_image(client, urls[name])
        assert rendition.size == size
        assert rendition.format == fmt
        assert response.headers["content-type"] == Image.MIME[fmt]
        assert not rendition.getexif().get_ifd(GPS_IFD), f"{name} still carries GPS"
        assert "exif" not in rendition.info


@pytest.mark.skipif("avif" not in FORMATS, reason="this Pillow cannot write AVIF")
async def test_avif_renditions_where_pillow_writes_them(
    app: Starlette, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    pk = await add_image(app, image_bytes(800, 600))
    url = (await image_field(gql, pk, "url(width: 200, format: AVIF)"))["url"]
    response, rendition = await fetch_image(client, url)
    assert response.headers["content-type"] == "image/avif"
    assert rendition.size == (200, 150)


async def test_orientation_is_applied_before_exif_is_dropped(
    app: Starlette, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    # Stored 640x480 with "rotate 90° clockwise to show": shown 480 wide, 640 high.
    pk = await add_image(app, image_bytes(640, 480, orientation=6))
    url = (await image_field(gql, pk, "url(width: 240)"))["url"]
    _, rendition = await fetch_image(client, url)
    assert rendition.size == (240, 320)
    # The red half was the left one; turned clockwise it is the top.
    assert rendition.convert("RGB").getpixel((120, 40))[0] > 150  # type: ignore[index]
    assert rendition.convert("RGB").getpixel((120, 280))[1] > 200  # type: ignore[index]


async def test_cover_crops_around_the_focal_point(
    app: Starlette, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    # Left half red, right half white: a square crop around a point on the right is white.
    right = await add_image(app, image_bytes(1200, 400), focal_x=0.9, focal_y=0.5)
    left = await add_image(app, image_bytes(1200, 400), focal_x=0.1, focal_y=0.5)
    for pk, expected in ((right, (250, 250, 250)), (left, (200, 40, 40))):
        url = (await image_field(gql, pk, "url(width: 200, height: 200)"))["url"]
        _, rendition = await fetch_image(client, url)
        red, green, blue = rendition.convert("RGB").getpixel((100, 100))  # type: ignore[misc]
        assert abs(red - expected[0]) < 12
        assert abs(green - expected[1]) < 12
        assert abs(blue - expected[2]) < 12


async def test_contain_keeps_the_whole_image_and_nothing_is_enlarged(
    app: Starlette, gql: GraphQLClient
) -> None:
    pk = await add_image(app, image_bytes(800, 400))
    urls = await image_field(
        gql, pk, "contain: url(width: 300, height: 300, fit: CONTAIN) big: url(width: 1600)"
    )
    assert urls["contain"].endswith("/300x150-contain.jpg")
    assert urls["big"].endswith("/800x400-cover.jpg")


async def test_srcset_lists_each_width_once_up_to_the_original(
    app: Starlette, gql: GraphQLClient
) -> None:
    pk = await add_image(app, image_bytes(1000, 500))
    srcset = (await image_field(gql, pk, "srcset(widths: [400, 800, 1200, 1600], format: WEBP)"))[
        "srcset"
    ]
    candidates = [candidate.rsplit(" ", 1) for candidate in srcset.split(", ")]
    assert [descriptor for _, descriptor in candidates] == ["400w", "800w", "1000w"]
    assert candidates[0][0].endswith("/400x200-cover.webp")
    cropped = (await image_field(gql, pk, "srcset(widths: [300], aspectRatio: 1)"))["srcset"]
    assert cropped.endswith("/300x300-cover.jpg 300w")


async def test_the_placeholder_and_sizes_are_in_the_api(app: Starlette, gql: GraphQLClient) -> None:
    pk = await add_image(app, image_bytes(640, 480))
    image = await image_field(gql, pk, "width height placeholder { color blurhash }")
    assert (image["width"], image["height"]) == (640, 480)
    assert image["placeholder"]["color"] == "#c82828"


async def test_a_rendition_is_made_once_and_cached_with_headers(
    app: Starlette, gql: GraphQLClient, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    pk = await add_image(app, image_bytes(900, 600))
    url = (await image_field(gql, pk, "url(width: 300, format: WEBP)"))["url"]
    first = await client.get(url)
    kept = list((tmp_path / "media" / "renditions").rglob("*.webp"))
    assert [path.name for path in kept] == ["300x200-cover.webp"]
    made_at = kept[0].stat().st_mtime_ns
    second = await client.get(url)
    assert kept[0].stat().st_mtime_ns == made_at  # served from storage, not made again
    assert second.content == first.content
    assert second.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert second.headers["content-type"] == "image/webp"
    etag = second.headers["etag"]
    assert etag.startswith('"')
    again = await client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""


async def test_a_kept_rendition_is_served_without_sql(
    app: Starlette, gql: GraphQLClient, client: httpx.AsyncClient, sql_counter: SQLCounter
) -> None:
    pk = await add_image(app, image_bytes(900, 600))
    url = (await image_field(gql, pk, "url(width: 300)"))["url"]
    first = await client.get(url)
    sql_counter.reset()
    again = [await client.get(url) for _ in range(3)]
    assert [response.status_code for response in again] == [200, 200, 200]
    assert {response.content for response in again} == {first.content}
    assert again[0].headers["content-type"] == "image/jpeg"
    assert again[0].headers["etag"] == first.headers["etag"]
    assert again[0].headers["cache-control"] == "public, max-age=31536000, immutable"
    assert sql_counter.count == 0, sql_counter.statements


async def test_a_large_kept_rendition_is_streamed_from_its_file(
    app: Starlette, gql: GraphQLClient, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    from hub_media.kept import INLINE_BYTES

    noise = Image.effect_noise((1600, 1200), 120).convert("RGB")
    out = io.BytesIO()
    noise.save(out, "PNG")
    pk = await add_image(app, out.getvalue())
    url = (await image_field(gql, pk, "url(width: 1600)"))["url"]
    first = await client.get(url)
    [kept] = (tmp_path / "media" / "renditions").rglob("*.png")
    assert kept.stat().st_size > INLINE_BYTES  # past the size read on the event loop
    second = await client.get(url)
    assert second.status_code == 200
    assert second.content == first.content == kept.read_bytes()
    assert second.headers["etag"] == first.headers["etag"]
    assert second.headers["content-length"] == str(kept.stat().st_size)


async def test_an_old_url_seen_before_the_focal_point_moved_redirects(
    app: Starlette, gql: GraphQLClient, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    pk = await add_image(app, image_bytes(900, 600))
    before = (await image_field(gql, pk, "url(width: 300, height: 300)"))["url"]
    assert (await client.get(before)).status_code == 200  # made, kept and remembered
    token = await media_token(app.state.hub.plugin_manager)
    editor = GraphQLClient(client, {"authorization": f"Bearer {token}"})
    moved = await editor.data(
        "mutation($id: ID!) { updateImage(id: $id, details: {focalPoint: {x: 0.9, y: 0.5}}) "
        "{ url(width: 300, height: 300) } }",
        {"id": node_id(pk)},
    )
    after = moved["updateImage"]["url"]
    old = await client.get(before)
    assert old.status_code == 302
    assert old.headers["location"] == after
    assert (await client.get(after)).status_code == 200
    # Storage keeps the current version's renditions only.
    kept = (tmp_path / "media" / "renditions").rglob("*.jpg")
    assert [path.parent.name for path in kept] == ["v2"]


async def test_unsigned_or_altered_urls_are_refused(
    app: Starlette, gql: GraphQLClient, client: httpx.AsyncClient, tmp_path: Path
) -> None:
    pk = await add_image(app, image_bytes(900, 600))
    url = (await image_field(gql, pk, "url(width: 300)"))["url"]
    bigger = url.replace("/300x200-cover.jpg", "/900x600-cover.jpg")
    forged = await client.get(bigger)
    assert forged.status_code == 403
    assert "not signed by this hub" in forged.json()["error"]
    unsigned = await client.get(f"/media/{pk}/1/-/300x200-cover.jpg")
    assert unsigned.status_code == 403
    huge = await client.get(url.replace("/300x200-cover.jpg", "/90000x200-cover.jpg"))
    assert huge.status_code == 400
    assert "width must be between 1 and 2000" in huge.json()["error"]
    odd = await client.get(url.replace("cover.jpg", "cover.bmp"))
    assert odd.status_code == 400
    assert "The format 'bmp' is not made here" in odd.json()["error"]
    assert not (tmp_path / "media" / "renditions").exists()


async def test_sizes_outside_the_limits_are_refused_in_the_api(
    app: Starlette, gql: GraphQLClient
) -> None:
    pk = await add_image(app, image_bytes(900, 600))
    query = f'{{ node(id: "{node_id(pk)}") {{ ... on Image {{ url(width: 5000) }} }} }}'
    body = await gql.query(query)
    assert body["errors"][0]["message"] == "`width` must be between 1 and 2000 pixels, not 5000."
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "width"}


async def test_a_moved_focal_point_makes_new_urls_and_old_ones_redirect(
    app: Starlette, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    from hub_media.models import Asset

    pk = await add_image(app, image_bytes(900, 600))
    before = (await image_field(gql, pk, "url(width: 300, height: 300)"))["url"]
    await Asset.filter(id=pk).update(focal_x=0.9, version=2)
    after = (await image_field(gql, pk, "url(width: 300, height: 300)"))["url"]
    assert after != before
    moved = await client.get(before)
    assert moved.status_code == 302
    assert moved.headers["location"] == after


@pytest.mark.parametrize("base", ["https://cdn.example.org"])
async def test_urls_start_with_the_configured_origin(
    database_url: str, tmp_path: Path, base: str
) -> None:
    from hub_media.renditions import Fit, planned
    from hub_media.urls import rendition_url

    from hub.app import load_settings
    from hub.plugins import get_plugin_manager

    pm = get_plugin_manager(extra_plugins=[hub_media.plugin], load_entry_points=False)
    settings = load_settings(pm, Settings(data_dir=tmp_path, extra={BASE_URL: base}))
    spec = planned((800, 600), 400, None, Fit.COVER, "jpg", 2000)
    assert rendition_url(settings, 7, 1, spec).startswith(f"{base}/media/7/1/")


async def test_moving_the_focal_point_through_the_api_makes_new_urls(
    app: Starlette, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    pk = await add_image(app, image_bytes(900, 600), alt="Before")
    token = await media_token(app.state.hub.plugin_manager)
    editor = GraphQLClient(client, {"authorization": f"Bearer {token}"})
    update = (
        "mutation($id: ID!, $details: ImageDetailsInput!) { updateImage(id: $id, details: "
        "$details) { alt focalPoint { x y } url(width: 300, height: 300) } }"
    )
    before = (await image_field(gql, pk, "url(width: 300, height: 300)"))["url"]
    renamed = await editor.data(update, {"id": node_id(pk), "details": {"alt": "After"}})
    assert renamed["updateImage"]["url"] == before  # text only: same pixels, same URL
    moved = await editor.data(
        update, {"id": node_id(pk), "details": {"focalPoint": {"x": 0.2, "y": 0.8}}}
    )
    image = moved["updateImage"]
    assert image["alt"] == "After"
    assert image["focalPoint"] == {"x": 0.2, "y": 0.8}
    assert image["url"] != before
    assert f"/media/{pk}/2/" in image["url"]


async def test_renditions_are_kept_in_an_s3_bucket_when_configured(
    database_url: str, tmp_path: Path
) -> None:
    from asgi_lifespan import LifespanManager
    from tortoise import Tortoise

    from hub.app import create_app
    from hub.plugins import get_plugin_manager

    with s3_server() as endpoint:
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        # moto keeps its buckets in the process, from one server to the next: one per test.
        bucket = f"hub-media-{uuid.uuid4().hex[:12]}"
        s3.create_bucket(Bucket=bucket)
        extra = {
            S3_BUCKET: bucket,
            S3_ENDPOINT_URL: endpoint,
            S3_REGION: "us-east-1",
            S3_ACCESS_KEY_ID: "test",
            S3_SECRET_ACCESS_KEY: "test",
        }
        settings = Settings(data_dir=tmp_path, database_url=database_url, extra=extra)
        pm = get_plugin_manager(extra_plugins=[hub_media.plugin], load_entry_points=False)
        application = create_app(settings, pm)
        async with LifespanManager(application):
            await Tortoise.generate_schemas()
            pk = await add_image(application, image_bytes(800, 600, gps=True))
            transport = httpx.ASGITransport(app=application)
            async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
                url = (await image_field(GraphQLClient(http), pk, "url(width: 200)"))["url"]
                _, rendition = await fetch_image(http, url)
        keys = sorted(item["Key"] for item in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert rendition.size == (200, 150)
    assert not rendition.getexif().get_ifd(GPS_IFD)
    [original, kept] = keys
    stem = original.removeprefix("originals/").removesuffix(".jpg")
    assert kept == f"renditions/{stem}/v1/200x150-cover.jpg"
    assert not (tmp_path / "media").exists()
