"""Featured images for feeds, oEmbed answers and the widget (the ``post_images`` hook, which
the delivery plugin publishes: answered here without importing it)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from starlette.requests import Request

from hub_media.loaders import JOINED
from hub_media.models import PostImage
from hub_media.renditions import DEFAULT_EXTENSION, Fit, planned
from hub_media.settings import MediaSettings
from hub_media.types import ASSET_FIELDS
from hub_media.urls import absolute, rendition_url

#: Wide enough for a feed reader's or a card's hero image, small enough to load fast.
CARD_WIDTH = 1200


async def post_images(post_ids: Sequence[int], request: Request) -> dict[int, Mapping[str, Any]]:
    """Each post's featured image at up to 1200 pixels wide, as an absolute URL: one statement."""
    settings = request.app.state.hub.settings
    limit = MediaSettings.of(settings).max_rendition_size
    rows = await PostImage.filter(post_id__in=list(post_ids)).values("post_id", **JOINED)
    found: dict[int, Mapping[str, Any]] = {}
    for row in rows:
        asset = {field: row[f"asset_{field}"] for field in ASSET_FIELDS}
        extension = DEFAULT_EXTENSION.get(asset["content_type"], "jpg")
        original = (asset["width"], asset["height"])
        spec = planned(original, CARD_WIDTH, None, Fit.COVER, extension, limit)
        url = rendition_url(settings, asset["id"], asset["version"], spec)
        found[row["post_id"]] = {
            "url": absolute(url, request),
            "type": spec.content_type,
            "width": spec.width,
            "height": spec.height,
            "alt": asset["alt"],
        }
    return found
