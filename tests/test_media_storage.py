"""Where the media plugin keeps files: HUB_DATA_DIR by default, an S3 bucket when configured."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import boto3
import hub_media.plugin
import pytest
from hub_media.runtime import storage
from hub_media.s3 import S3Storage
from hub_media.settings import (
    S3_ACCESS_KEY_ID,
    S3_BUCKET,
    S3_ENDPOINT_URL,
    S3_PREFIX,
    S3_REGION,
    S3_SECRET_ACCESS_KEY,
)
from hub_media.storage import FileStorage, MediaStorage

from hub import Settings, hookimpl
from hub.app import load_settings
from hub.plugins import get_plugin_manager
from tests.media_support import s3_server

BUCKET = "hub-media-test"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with s3_server() as endpoint:
        boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        ).create_bucket(Bucket=BUCKET)
        yield endpoint


def chosen_storage(tmp_path: Path, extra: dict[str, str], *plugins: object) -> MediaStorage:
    pm = get_plugin_manager(extra_plugins=[hub_media.plugin, *plugins], load_entry_points=False)
    settings = load_settings(pm, Settings(data_dir=tmp_path, extra=extra))
    return storage(pm, settings)


def s3_settings(endpoint: str, prefix: str = "") -> dict[str, str]:
    return {
        S3_BUCKET: BUCKET,
        S3_ENDPOINT_URL: endpoint,
        S3_REGION: "us-east-1",
        S3_ACCESS_KEY_ID: "test",
        S3_SECRET_ACCESS_KEY: "test",
        S3_PREFIX: prefix,
    }


def round_trip(store: MediaStorage, key: str, content: bytes) -> bytes:
    store.save(key, io.BytesIO(content), "image/jpeg")
    loaded = io.BytesIO()
    assert store.load(key, loaded)
    return loaded.getvalue()


def test_files_are_kept_under_the_data_dir_by_default(tmp_path: Path) -> None:
    store = chosen_storage(tmp_path, {})
    assert isinstance(store, FileStorage)
    assert round_trip(store, "originals/a.jpg", b"photo") == b"photo"
    assert (tmp_path / "media" / "originals" / "a.jpg").read_bytes() == b"photo"
    store.delete("originals/a.jpg")
    assert not store.load("originals/a.jpg", io.BytesIO())
    store.delete("originals/a.jpg")  # forgetting what is gone is no error


def test_file_storage_leaves_no_partial_file_behind(tmp_path: Path) -> None:
    class Broken(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            raise OSError("connection reset")

    store = FileStorage(tmp_path)
    with pytest.raises(OSError, match="connection reset"):
        store.save("originals/b.jpg", Broken(), "image/jpeg")
    assert [path.name for path in (tmp_path / "originals").iterdir()] == []


@pytest.mark.parametrize("key", ["../escape.jpg", "/etc/passwd", "a/../../b", ""])
def test_keys_never_leave_the_media_folder(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError, match="not a storage key"):
        FileStorage(tmp_path).save(key, io.BytesIO(b"x"), "image/jpeg")


def test_an_s3_bucket_keeps_the_files_when_configured(s3_endpoint: str, tmp_path: Path) -> None:
    store = chosen_storage(tmp_path, s3_settings(s3_endpoint, prefix="site-a"))
    assert isinstance(store, S3Storage)
    content = bytes(range(256)) * 40_000  # 10 MB: several parts of a multipart upload
    assert round_trip(store, "originals/c.jpg", content) == content
    head = store.client.head_object(Bucket=BUCKET, Key="site-a/originals/c.jpg")
    assert head["ContentType"] == "image/jpeg"
    assert not (tmp_path / "media").exists()
    store.delete("originals/c.jpg")
    assert not store.load("originals/c.jpg", io.BytesIO())


@pytest.mark.parametrize("backend", ["files", "s3"])
def test_deleting_a_folder_forgets_only_its_keys(
    s3_endpoint: str, tmp_path: Path, backend: str
) -> None:
    extra = s3_settings(s3_endpoint, prefix=f"folders-{tmp_path.name}") if backend == "s3" else {}
    store = chosen_storage(tmp_path, extra)
    for key in ("renditions/ab/v1/1x1-cover.jpg", "renditions/ab/v2/1x1-cover.jpg",
                "renditions/abc/v1/1x1-cover.jpg"):  # fmt: skip
        store.save(key, io.BytesIO(b"x"), "image/jpeg")
    store.delete_all("renditions/ab")
    assert not store.load("renditions/ab/v1/1x1-cover.jpg", io.BytesIO())
    assert not store.load("renditions/ab/v2/1x1-cover.jpg", io.BytesIO())
    assert store.load("renditions/abc/v1/1x1-cover.jpg", io.BytesIO())


def test_a_plugin_can_provide_the_storage(tmp_path: Path) -> None:
    class Elsewhere:
        @hookimpl
        def media_storage(self, settings: Settings) -> MediaStorage:
            return FileStorage(tmp_path / "elsewhere")

    store = chosen_storage(tmp_path, {}, Elsewhere())
    round_trip(store, "renditions/d.webp", b"small")
    assert (tmp_path / "elsewhere" / "renditions" / "d.webp").exists()
