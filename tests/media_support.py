"""Images made in the tests (with Pillow) and an S3 server for the media plugin's tests."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count

from PIL import Image

_accounts = count(1)
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def image_bytes(
    width: int = 640,
    height: int = 480,
    fmt: str = "JPEG",
    *,
    gps: bool = False,
    orientation: int | None = None,
    colour: tuple[int, int, int] = (200, 40, 40),
) -> bytes:
    """An image with a coloured left half, optionally with GPS EXIF and an orientation tag."""
    image = Image.new("RGB", (width, height), (250, 250, 250))
    image.paste(Image.new("RGB", (width // 2, height), colour), (0, 0))
    exif = Image.Exif()
    if gps:
        # 48°51'29"N 2°17'40"E: where the photographer stood.
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 29.0), 3: "E", 4: (2.0, 17.0, 40.0)})
    if orientation is not None:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes()) if len(exif) or gps else image.save(out, fmt)
    return out.getvalue()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def s3_server() -> Iterator[str]:
    """moto's S3 server on a free loopback port; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


async def media_token(pm: object, role: str = "editor", scopes: list[str] | None = None) -> str:
    """A bearer token for a new account; all of the role's scopes (media:write too) unless given."""
    from hub.access.models import Role, User
    from hub.access.scopes import scope_catalogue
    from hub.access.tokens import issue_token

    number = next(_accounts)
    user = await User.create(
        email=f"media-{role}-{number}@example.org", role=Role(role), password_hash="unused"
    )
    catalogue = scope_catalogue(pm)  # type: ignore[arg-type]
    wanted = catalogue.for_role(Role(role)) if scopes is None else scopes
    return (await issue_token(user, wanted, catalogue)).token


async def add_image(app: object, content: bytes, **details: object) -> int:
    """An image in the library of a running ``app`` (as `hub media add` adds it); its id."""
    import tempfile
    from pathlib import Path

    from hub_media.runtime import storage
    from hub_media.settings import MediaSettings
    from hub_media.upload import ImageDetails, ingest

    hub = app.state.hub  # type: ignore[attr-defined]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "image"
        path.write_bytes(content)
        asset = await ingest(
            path,
            "image",
            ImageDetails(**details),  # type: ignore[arg-type]
            storage(hub.plugin_manager, hub.settings),
            MediaSettings.of(hub.settings),
        )
    return asset.id


def s3_extra(endpoint: str) -> dict[str, str]:
    """Settings keeping the media in a new bucket of the S3 server at ``endpoint``."""
    import uuid

    import boto3
    from hub_media.settings import (
        S3_ACCESS_KEY_ID,
        S3_BUCKET,
        S3_ENDPOINT_URL,
        S3_REGION,
        S3_SECRET_ACCESS_KEY,
    )

    # moto keeps its buckets in the process, from one server to the next: one per test.
    bucket = f"hub-media-{uuid.uuid4().hex[:12]}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket=bucket)
    return {
        S3_BUCKET: bucket,
        S3_ENDPOINT_URL: endpoint,
        S3_REGION: "us-east-1",
        S3_ACCESS_KEY_ID: "test",
        S3_SECRET_ACCESS_KEY: "test",
    }


@contextmanager
def file_server(files: dict[str, tuple[str, bytes]]) -> Iterator[str]:
    """A web server on a free loopback port answering ``path -> (content type, bytes)``, 404
    for the rest; yields its origin. The tests never reach the internet."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found = files.get(self.path)
            if found is None:
                self.send_error(404)
                return
            content_type, body = found
            self.send_response(200)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
