"""An oEmbed 1.0 provider (https://oembed.com): ``/oembed?url=…`` for the organisation's pages.

Which public URLs embed, and how, comes from the ``register_oembed_resources`` hook: this plugin
offers posts (a short card: title linking to the post, excerpt) and the sections map (an iframe
of the hub's ``/map`` page); other plugins offer theirs (the donations plugin, campaigns). All
are ``rich`` embeds whose HTML is sanitised here, whoever wrote it. Per the spec: 404 for a URL
the provider does not know, 501 for a format other than ``json`` or ``xml``, and the returned
width and height never exceed ``maxwidth`` and ``maxheight``.

Languages: ``lang=fr-CH`` asks for the embed in a language (posts: ``oembed_posts``). A
malformed ``lang`` is a 400 naming it, whichever resource the URL belongs to; resources read
the checked tag with :func:`hub_delivery.oembed_request.requested_language`.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import nh3
import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, NoMatchFound, Route

from hub import PluginError, Settings
from hub_delivery import settings as delivery_settings
from hub_delivery.cacheable import cacheable_response, problem
from hub_delivery.hookspecs import OEmbedResource
from hub_delivery.oembed_posts import PostEmbed
from hub_delivery.oembed_request import (
    LANGUAGE_PARAMETER,
    BadOEmbedRequest,
    Size,
    dimension,
    requested_language,
)
from hub_delivery.public_urls import PublicUrls
from hub_delivery.runtime import STATE_KEY, Delivery

OEMBED_PATH = "/oembed"
MEDIA_TYPES = {"json": "application/json", "xml": "text/xml"}
DISCOVERY_TYPES = {"json": "application/json+oembed", "xml": "text/xml+oembed"}
#: The route the sections map plugin serves its page on, when that plugin is installed.
MAP_ROUTE = "sections_map_page"
MAP_SIZE = (800, 500)


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


#: What an embed's HTML may hold, whichever plugin wrote it: content and frames, never scripts,
#: styles sheets or event handlers (consumers paste it into their pages as it is).
_sanitiser = nh3.Cleaner(
    tags={"a", "blockquote", "br", "em", "figcaption", "figure", "iframe", "img", "p", "strong"},
    attributes={
        "*": {"class", "title", "lang"},
        "a": {"href"},
        "blockquote": {"cite"},
        "iframe": {"src", "width", "height", "loading", "style", "sandbox"},
        "img": {"src", "alt", "width", "height", "loading"},
    },
    url_schemes={"http", "https"},
    link_rel=None,
    strip_comments=True,
)


def sanitised(html_fragment: str) -> str:
    return _sanitiser.clean(html_fragment)


@dataclass(frozen=True)
class MapEmbed:
    """The sections map at its public page (``HUB_DELIVERY_MAP_URL``), when it is installed."""

    url_pattern: str

    async def embed(
        self, slug: str, request: Request, max_width: int | None, max_height: int | None
    ) -> Mapping[str, Any] | None:
        try:
            src = str(request.url_for(MAP_ROUTE))
        except NoMatchFound:
            return None
        size = Size(*MAP_SIZE).within(max_width, max_height)
        return {
            "title": "Map of our sections",
            "html": map_iframe(src, size),
            "width": size.width,
            "height": size.height,
            "cache_keys": ["Section"],
        }


def own_resources(settings: Settings) -> list[OEmbedResource]:
    urls = PublicUrls.from_settings(settings)
    resources: list[OEmbedResource] = []
    if urls.has_posts:
        resources.append(PostEmbed(urls.post_pattern, settings))
    if urls.map_url:
        resources.append(MapEmbed(urls.map_url))
    return resources


def rich_answer(
    embedded: Mapping[str, Any], size_limit: tuple[int | None, int | None], source: str
) -> tuple[dict[str, Any], list[str]]:
    """The oEmbed members a resource gave, checked, bounded and with its HTML sanitised."""
    title, fragment = embedded.get("title"), embedded.get("html")
    width, height = embedded.get("width"), embedded.get("height")
    if not (isinstance(title, str) and isinstance(fragment, str)):
        raise PluginError(f"the oEmbed resource for {source} gave no title or html string")
    if not (isinstance(width, int) and isinstance(height, int)):
        raise PluginError(f"the oEmbed resource for {source} gave no width or height in pixels")
    size = Size(width, height).within(*size_limit)
    answer: dict[str, Any] = {"title": title, "html": sanitised(fragment)}
    answer |= {"width": size.width, "height": size.height}
    for name in ("author_name", "author_url"):
        if isinstance(embedded.get(name), str):
            answer[name] = embedded[name]
    thumbnail = [embedded.get(f"thumbnail_{part}") for part in ("url", "width", "height")]
    match thumbnail:
        # oEmbed: a thumbnail larger than maxwidth/maxheight must not be given.
        case [str(), int(t_width), int(t_height)] if Size(t_width, t_height).within(
            *size_limit
        ) == Size(t_width, t_height):
            answer |= dict(zip(("thumbnail_url", "thumbnail_width", "thumbnail_height"),
                               thumbnail, strict=True))  # fmt: skip
    keys = [str(key) for key in embedded.get("cache_keys", ())]
    return answer, keys


def encode(answer: dict[str, Any], response_format: str) -> bytes:
    if response_format == "json":
        return orjson.dumps(answer)
    root = ET.Element("oembed")
    for name, value in answer.items():
        ET.SubElement(root, name).text = str(value)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def discovery_links(
    hub_url: str, page_url: str, title: str = "", language: str | None = None
) -> str:
    """The ``<link>`` tags a frontend puts in the ``<head>`` of ``page_url`` for oEmbed discovery.

    ``hub_url`` is where the hub answers (``https://hub.example.org``). Values are escaped, so
    the result can go into a page as it is. With ``language``, the links ask for the embed in it.
    """
    tags = []
    for response_format, media_type in DISCOVERY_TYPES.items():
        parameters = {"url": page_url, "format": response_format}
        if language is not None:
            parameters[LANGUAGE_PARAMETER] = language
        query = urlencode(parameters)
        href = f"{hub_url.rstrip('/')}{OEMBED_PATH}?{query}"
        tags.append(
            f'<link rel="alternate" type="{media_type}" href="{html.escape(href)}"'
            f' title="{html.escape(title)}">'
        )
    return "\n".join(tags)


def oembed_routes(settings: Settings) -> list[BaseRoute]:
    max_age = delivery_settings.max_age(settings)

    async def answer_for(
        request: Request, url: str, size_limit: tuple[int | None, int | None]
    ) -> tuple[dict[str, Any], list[str]]:
        base = {"version": "1.0", "type": "rich", "provider_name": "hub"}
        base["provider_url"] = str(request.base_url).rstrip("/")
        delivery: Delivery = getattr(request.app.state, STATE_KEY)
        for pattern, resource in delivery.oembed_resources:
            slug = pattern.match(url)
            if slug is None:
                continue
            embedded = await resource.embed(slug, request, *size_limit)
            if embedded is not None:
                answer, keys = rich_answer(embedded, size_limit, pattern.pattern)
                return {**base, **answer}, keys
        raise BadOEmbedRequest(404, f"no embeddable content is known at {url!r}")

    def read(request: Request) -> tuple[str, str, tuple[int | None, int | None]]:
        params = request.query_params
        url = params.get("url")
        if not url:
            raise BadOEmbedRequest(400, "url is required: the address of the page to embed")
        # Checked before any resource reads it, whichever resource the URL belongs to.
        requested_language(request)
        response_format = params.get("format") or "json"
        if response_format not in MEDIA_TYPES:
            raise BadOEmbedRequest(
                501, f"format={response_format!r} is not supported; use json or xml"
            )
        limits = (
            dimension("maxwidth", params.get("maxwidth")),
            dimension("maxheight", params.get("maxheight")),
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
            language = requested_language(request)
            answer, keys = await answer_for(request, url, (None, None))
        except BadOEmbedRequest as error:
            return problem(error.status, str(error))
        tags = discovery_links(str(request.base_url), url, str(answer["title"]), language)
        return cacheable_response(
            request, (tags + "\n").encode(), "text/html; charset=utf-8", max_age, keys
        )

    return [
        Route(OEMBED_PATH, oembed, methods=["GET"], name="delivery_oembed"),
        Route(f"{OEMBED_PATH}/discovery", discovery, methods=["GET"], name="delivery_discovery"),
    ]
