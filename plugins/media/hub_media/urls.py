"""Rendition URLs: ``/media/<asset>/<version>/<signature>/<width>x<height>-<fit>.<format>``."""

from __future__ import annotations

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


def rendition_key(asset_id: int, version: int, spec: RenditionSpec) -> str:
    return f"renditions/{asset_id}/v{version}/{spec.name}"
