"""An oEmbed 1.0 provider (https://oembed.com): ``/oembed?url=…`` for posts and the sections map.

A post embeds as a short sanitised card (title linking to the post, excerpt); the sections map
embeds as an iframe of the hub's ``/map`` page. Both are ``rich`` embeds. Per the spec: 404 for a
URL the provider does not know, 501 for a format other than ``json`` or ``xml``, and the
returned width and height never exceed ``maxwidth`` and ``maxheight``.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, NoMatchFound, Route

from hub import Context, Settings, visible_posts
from hub_delivery import settings as delivery_settings
from hub_delivery.cacheable import cacheable_response, problem
from hub_delivery.public_urls import PublicUrls

OEMBED_PATH = "/oembed"
MEDIA_TYPES = {"json": "application/json", "xml": "text/xml"}
DISCOVERY_TYPES = {"json": "application/json+oembed", "xml": "text/xml+oembed"}
#: The route the sections map plugin serves its page on, when that plugin is installed.
MAP_ROUTE = "sections_map_page"
POST_SIZE = (600, 200)
MAP_SIZE = (800, 500)


class BadOEmbedRequest(ValueError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Size:
    width: int
    height: int

    def within(self, max_width: int | None, max_height: int | None) -> Size:
        return Size(
            min(self.width, max_width or self.width), min(self.height, max_height or self.height)
        )


def _dimension(name: str, raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or int(raw) == 0:
        raise BadOEmbedRequest(400, f"{name}={raw!r} must be a positive whole number of pixels")
    return int(raw)


def post_card(title: str, excerpt: str, url: str) -> str:
    """The embedded post: escaped text in a fixed structure, so nothing stored becomes markup."""
    card = ET.Element("blockquote", {"class": "hub-post-embed", "cite": url})
    link = ET.SubElement(ET.SubElement(card, "p"), "a", {"href": url})
    link.text = title
    if excerpt:
        ET.SubElement(card, "p").text = excerpt
    return ET.tostring(card, encoding="unicode", method="html")


def map_iframe(src: str, size: Size) -> str:
    frame = ET.Element(
        "iframe",
        {
            "src": src,
            "width": str(size.width),
            "height": str(size.height),
            "title": "Map of our sections",
            "loading": "lazy",
            "style": "border:0",
            # The map needs its scripts; nothing else (no forms, popups or top navigation).
            "sandbox": "allow-scripts",
        },
    )
    return ET.tostring(frame, encoding="unicode", method="html")


def encode(answer: dict[str, Any], response_format: str) -> bytes:
    if response_format == "json":
        return orjson.dumps(answer)
    root = ET.Element("oembed")
    for name, value in answer.items():
        ET.SubElement(root, name).text = str(value)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def discovery_links(hub_url: str, page_url: str, title: str = "") -> str:
    """The ``<link>`` tags a frontend puts in the ``<head>`` of ``page_url`` for oEmbed discovery.

    ``hub_url`` is where the hub answers (``https://hub.example.org``). Values are escaped, so
    the result can go into a page as it is.
    """
    tags = []
    for response_format, media_type in DISCOVERY_TYPES.items():
        query = urlencode({"url": page_url, "format": response_format})
        href = f"{hub_url.rstrip('/')}{OEMBED_PATH}?{query}"
        tags.append(
            f'<link rel="alternate" type="{media_type}" href="{html.escape(href)}"'
            f' title="{html.escape(title)}">'
        )
    return "\n".join(tags)


def oembed_routes(settings: Settings) -> list[BaseRoute]:
    urls = PublicUrls.from_settings(settings)
    max_age = delivery_settings.max_age(settings)

    async def answer_for(
        request: Request, url: str, size_limit: tuple[int | None, int | None]
    ) -> tuple[dict[str, Any], list[str]]:
        base = {"version": "1.0", "type": "rich", "provider_name": "hub"}
        base["provider_url"] = str(request.base_url).rstrip("/")
        slug = urls.post_slug(url)
        if slug is not None:
            context = Context(settings, request.app.state.hub.plugin_manager, {}, request=request)
            row = (
                await visible_posts(context)
                .filter(slug=slug)
                .first()
                .values("id", "title", "excerpt")
            )
            if row is not None:
                size = Size(*POST_SIZE).within(*size_limit)
                html_card = post_card(row["title"], row["excerpt"], urls.post_url(slug))
                answer = {**base, "title": row["title"], "html": html_card}
                answer |= {"width": size.width, "height": size.height}
                return answer, ["Post", f"Post:{row['id']}"]
        if urls.is_map(url):
            try:
                src = str(request.url_for(MAP_ROUTE))
            except NoMatchFound:
                src = None
            if src is not None:
                size = Size(*MAP_SIZE).within(*size_limit)
                answer = {**base, "title": "Map of our sections", "html": map_iframe(src, size)}
                answer |= {"width": size.width, "height": size.height}
                return answer, ["Section"]
        raise BadOEmbedRequest(404, f"no embeddable content is known at {url!r}")

    def read(request: Request) -> tuple[str, str, tuple[int | None, int | None]]:
        params = request.query_params
        url = params.get("url")
        if not url:
            raise BadOEmbedRequest(400, "url is required: the address of the page to embed")
        response_format = params.get("format") or "json"
        if response_format not in MEDIA_TYPES:
            raise BadOEmbedRequest(
                501, f"format={response_format!r} is not supported; use json or xml"
            )
        limits = (
            _dimension("maxwidth", params.get("maxwidth")),
            _dimension("maxheight", params.get("maxheight")),
        )
        return url, response_format, limits

    async def oembed(request: Request) -> Response:
        try:
            url, response_format, limits = read(request)
            answer, keys = await answer_for(request, url, limits)
        except BadOEmbedRequest as error:
            return problem(error.status, str(error))
        body = encode(answer, response_format)
        media_type = MEDIA_TYPES[response_format] + "; charset=utf-8"
        return cacheable_response(request, body, media_type, max_age, keys)

    async def discovery(request: Request) -> Response:
        url = request.query_params.get("url")
        if not url:
            return problem(400, "url is required: the address of the page to embed")
        try:
            answer, keys = await answer_for(request, url, (None, None))
        except BadOEmbedRequest as error:
            return problem(error.status, str(error))
        tags = discovery_links(str(request.base_url), url, str(answer["title"]))
        return cacheable_response(
            request, (tags + "\n").encode(), "text/html; charset=utf-8", max_age, keys
        )

    return [
        Route(OEMBED_PATH, oembed, methods=["GET"], name="delivery_oembed"),
        Route(f"{OEMBED_PATH}/discovery", discovery, methods=["GET"], name="delivery_discovery"),
    ]
