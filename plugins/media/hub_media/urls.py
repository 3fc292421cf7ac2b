"""Rendition URLs: ``/media/<asset>/<version>/<signature>/<width>x<height>-<fit>.<format>``."""

from __future__ import annotations

from pathlib import PurePosixPath

from starlette.requests import Request

from hub import Settings
from hub_media.renditions import RenditionSpec
from hub_media.settings import MediaSettings
from hub_media.signing import sign

PREFIX = "/media"


def signed_part(asset_id: int, version: int, spec: RenditionSpec) -> str:
    return f"{asset_id}/{version}/{spec.name}"


def rendition_url(settings: Settings, asset_id: int, version: int, spec: RenditionSpec) -> str:
    signature = sign(settings, signed_part(asset_id, version, spec))
    base = MediaSettings.of(settings).base_url
    return f"{base}{PREFIX}/{asset_id}/{version}/{signature}/{spec.name}"


def absolute(url: str, request: Request | None) -> str:
    """``url`` on the request's origin when it is a path on the hub (no ``HUB_MEDIA_BASE_URL``),
    for readers elsewhere: feed readers, and pages on another site."""
    if request is None or not url.startswith("/"):
        return url
    return f"{str(request.base_url).rstrip('/')}{url}"


def renditions_folder(original_key: str) -> str:
    """Named after the original's own random name, not the asset id: a database restored from
    a backup (ids reused) never meets another image's renditions in storage."""
    return f"renditions/{PurePosixPath(original_key).stem}"


def rendition_key(original_key: str, version: int, spec: RenditionSpec) -> str:
    return f"{renditions_folder(original_key)}/v{version}/{spec.name}"
