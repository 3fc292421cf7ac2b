"""Images other plugins show with posts (``post_images``), checked once for every use."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from hub import plugin_calls

logger = logging.getLogger("hub.delivery")


@dataclass(frozen=True)
class PostImage:
    url: str
    media_type: str
    width: int
    height: int
    alt: str


def _checked(answer: Mapping[str, Any]) -> PostImage | None:
    url, media_type = answer.get("url"), answer.get("type")
    width, height, alt = answer.get("width"), answer.get("height"), answer.get("alt", "")
    if not (isinstance(url, str) and url.startswith(("http://", "https://"))):
        return None
    if not (isinstance(media_type, str) and media_type.startswith("image/")):
        return None
    if not (isinstance(width, int) and isinstance(height, int) and isinstance(alt, str)):
        return None
    return PostImage(url, media_type, width, height, alt)


async def post_images(request: Request, post_ids: Sequence[int]) -> dict[int, PostImage]:
    """Each post's image, from the first plugin answering for it; none without such plugins."""
    if not post_ids:
        return {}
    found: dict[int, PostImage] = {}
    pm = request.app.state.hub.plugin_manager
    if not hasattr(pm.hook, "post_images"):
        return found
    for plugin, answer in plugin_calls(pm, "post_images", post_ids=list(post_ids), request=request):
        images = await answer if inspect.isawaitable(answer) else answer
        for post_id, image in dict(images).items():
            checked = _checked(image) if isinstance(image, Mapping) else None
            if checked is None:
                # A bad image must not take the feed down: the post goes without one.
                logger.warning(
                    "plugin %r gave post %s an unusable image: %r", plugin, post_id, image
                )
                continue
            found.setdefault(post_id, checked)
    return found
