"""The environment variables the media plugin reads, as one typed value."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hub import Setting, Settings

MAX_UPLOAD_BYTES = "HUB_MEDIA_MAX_UPLOAD_BYTES"
MAX_PIXELS = "HUB_MEDIA_MAX_PIXELS"
MAX_RENDITION_SIZE = "HUB_MEDIA_MAX_RENDITION_SIZE"
BASE_URL = "HUB_MEDIA_BASE_URL"
S3_BUCKET = "HUB_MEDIA_S3_BUCKET"
S3_ENDPOINT_URL = "HUB_MEDIA_S3_ENDPOINT_URL"
S3_REGION = "HUB_MEDIA_S3_REGION"
S3_ACCESS_KEY_ID = "HUB_MEDIA_S3_ACCESS_KEY_ID"
S3_SECRET_ACCESS_KEY = "HUB_MEDIA_S3_SECRET_ACCESS_KEY"
S3_PREFIX = "HUB_MEDIA_S3_PREFIX"


def _positive(value: int) -> None:
    if value <= 0:
        raise ValueError("must be a positive number")


def _no_trailing_slash(value: str) -> None:
    if value.endswith("/"):
        raise ValueError("must not end with a slash (such as https://cdn.example.org)")


DECLARED: tuple[Setting[Any], ...] = (
    Setting(
        MAX_UPLOAD_BYTES,
        int,
        25 * 1024 * 1024,
        "Largest image file accepted, in bytes. Uploads are also bounded by HUB_MAX_BODY_BYTES "
        "(the whole request): raise both to accept large photographs over GraphQL.",
        _positive,
    ),
    Setting(
        MAX_PIXELS,
        int,
        50_000_000,
        "Largest image accepted, in pixels (width x height): a decompression-bomb guard.",
        _positive,
    ),
    Setting(
        MAX_RENDITION_SIZE,
        int,
        3000,
        "Largest width or height a rendition may be asked for, in pixels.",
        _positive,
    ),
    Setting(
        BASE_URL,
        str,
        "",
        "Origin rendition URLs start with (a CDN in front of the hub, such as "
        "https://cdn.example.org); empty: URLs are paths on the hub itself (/media/...).",
        _no_trailing_slash,
    ),
    Setting(
        S3_BUCKET,
        str,
        "",
        "Keep originals and renditions in this S3 bucket; empty: in HUB_DATA_DIR/media.",
    ),
    Setting(
        S3_ENDPOINT_URL,
        str,
        "",
        "Endpoint of an S3-compatible service (MinIO, Garage, R2...); empty: AWS.",
    ),
    Setting(S3_REGION, str, "", "Region of the S3 bucket; empty: the SDK's default."),
    Setting(
        S3_ACCESS_KEY_ID,
        str,
        "",
        "Access key for the bucket; empty: the SDK's usual sources (AWS_* variables, roles).",
    ),
    Setting(S3_SECRET_ACCESS_KEY, str, "", "Secret for HUB_MEDIA_S3_ACCESS_KEY_ID."),
    Setting(S3_PREFIX, str, "", "Prefix of every key the hub writes in the bucket (media/...)."),
)


@dataclass(frozen=True)
class MediaSettings:
    max_upload_bytes: int
    max_pixels: int
    max_rendition_size: int
    base_url: str
    media_dir: Path
    s3_bucket: str
    s3_endpoint_url: str
    s3_region: str
    s3_access_key_id: str
    s3_secret_access_key: str
    s3_prefix: str

    @classmethod
    def of(cls, settings: Settings) -> MediaSettings:
        return cls(
            max_upload_bytes=settings.get(MAX_UPLOAD_BYTES),
            max_pixels=settings.get(MAX_PIXELS),
            max_rendition_size=settings.get(MAX_RENDITION_SIZE),
            base_url=settings.get(BASE_URL),
            media_dir=Path(settings.data_dir) / "media",
            s3_bucket=settings.get(S3_BUCKET),
            s3_endpoint_url=settings.get(S3_ENDPOINT_URL),
            s3_region=settings.get(S3_REGION),
            s3_access_key_id=settings.get(S3_ACCESS_KEY_ID),
            s3_secret_access_key=settings.get(S3_SECRET_ACCESS_KEY),
            s3_prefix=settings.get(S3_PREFIX),
        )
