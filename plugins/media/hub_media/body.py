"""Images in post bodies. A body refers to a library image by its address on the hub,
``<img src="/media/12" alt="...">`` (or any rendition URL of it): plain sanitised HTML that
shows the image even where nothing rewrites it (``/media/12`` redirects to the original's
size). At render time :func:`with_renditions` adds ``srcset``, ``sizes``, ``width``,
``height`` and the library's alt text."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# The sanitiser (nh3/html5ever) writes every attribute value in double quotes with `"` escaped,
# so a tag is matched exactly without a parser.
IMG = re.compile(r"<img\b((?:\s+[^\s=>/\"]+(?:=\"[^\"]*\")?)*)\s*/?>")
ATTRIBUTE = re.compile(r"([^\s=>/\"]+)(?:=\"([^\"]*)\")?")
ASSET_PATH = re.compile(r"^/media/(\d{1,12})(?:/|$)")
# A rendition URL the API handed out, on the hub or on the CDN of HUB_MEDIA_BASE_URL.
RENDITION_URL = re.compile(r"^https?://[^/\s]+/media/(\d{1,12})/\d+/[\w-]{22}/[\w.-]+$")


@dataclass(frozen=True)
class BodyImage:
    asset_id: int | None  # None: an image from elsewhere on the web
    alt: str
    src: str


def _attributes(markup: str) -> dict[str, str]:
    return {name.lower(): html.unescape(value or "") for name, value in ATTRIBUTE.findall(markup)}


def asset_of(src: str) -> int | None:
    """The library image ``src`` names: ``/media/12`` or a rendition URL the API handed out."""
    match = ASSET_PATH.match(src) or RENDITION_URL.match(src)
    return int(match[1]) if match else None


def body_images(body: str) -> list[BodyImage]:
    images = []
    for match in IMG.finditer(body):
        attributes = _attributes(match[1])
        src = attributes.get("src", "")
        images.append(BodyImage(asset_of(src), attributes.get("alt", "").strip(), src))
    return images


def with_renditions(
    body: str, render: Callable[[int, Mapping[str, str]], dict[str, str] | None]
) -> str:
    """``body`` with each library image's tag rewritten by ``render(asset_id, attributes)``
    (the new attributes, None to leave the tag as it is). Values are escaped here."""

    def rewrite(match: re.Match[str]) -> str:
        attributes = _attributes(match[1])
        asset_id = asset_of(attributes.get("src", ""))
        if asset_id is None:
            return match[0]
        rendered = render(asset_id, attributes)
        if rendered is None:
            return match[0]
        written = "".join(
            f' {name}="{html.escape(value, quote=True)}"' for name, value in rendered.items()
        )
        return f"<img{written}>"

    return IMG.sub(rewrite, body)
