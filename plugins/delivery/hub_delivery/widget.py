"""The embeddable widget: `/embed/hub-posts.js` (the `<hub-posts>` element) and `/embed/posts`.

The script is hand-written JavaScript shipped in this package; the hub serves it with the
widget's settings filled in (the hash of its operation, the public post URL pattern), so a
partner page needs one ``<script>`` tag and nothing from any CDN. The operation is built in:
it is on the allow-list without `hub queries register`, so the widget works when only
registered operations run. ``/embed/posts`` is the same widget as a page of its own, for sites
that can only embed an iframe.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from importlib.resources import files

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from hub import Context, Settings, check_language_tag, visible_posts
from hub_delivery import settings as delivery_settings
from hub_delivery.cacheable import cacheable_response, problem
from hub_delivery.http_cache import etag_matches, strong_etag
from hub_delivery.persisted import sha256_of
from hub_delivery.post_images import post_images
from hub_delivery.public_urls import PublicUrls

SCRIPT_PATH = "/embed/hub-posts.js"
#: Images beside the posts (from plugins answering ``post_images``), relative to the script.
IMAGES_PATH = "/embed/post-images"
IMAGES_FROM_SCRIPT = "post-images"
PAGE_PATH = "/embed/posts"
#: Where /graphql is from the script's URL: relative, so a hub under a path prefix works too.
GRAPHQL_FROM_SCRIPT = "../graphql"
MAX_LIMIT = 20
#: The script changes only when the hub is upgraded or reconfigured; revalidating is cheap.
SCRIPT_MAX_AGE = 300
CONFIG_PLACEHOLDER = "{ /* hub-posts config */ }"

OPERATION_NAME = "HubPostsWidget"
#: The widget's only request. Its text is part of the contract: clients send its SHA-256.
#: ``$language`` serves the list in a language with its fallback chain (``lang="fr-CH"``: each
#: post in Swiss French, else French, else the organisation's language); each post says its
#: own ``language`` so a fallback item can be marked up as such.
OPERATION = """query HubPostsWidget($first: Int!, $filter: PostFilter, $language: String) {
  posts(first: $first, filter: $filter, language: $language) {
    edges { node { id slug title excerpt publishedAt language } }
  }
}
"""
OPERATION_HASH = sha256_of(OPERATION)
#: The first widget's operation (``lang`` sent as ``filter.language``, an exact match). Scripts
#: cached by browsers and CDNs, and copies pasted into partners' pages, send its hash for
#: years: it stays registered, answering as it always did.
OPERATION_V1 = """query HubPostsWidget($first: Int!, $filter: PostFilter) {
  posts(first: $first, filter: $filter) {
    edges { node { id slug title excerpt publishedAt } }
  }
}
"""
OPERATION_V1_HASH = sha256_of(OPERATION_V1)
#: The operations this plugin ships, as the persisted queries keep them.
BUILTIN_OPERATIONS: Mapping[str, str] = {
    OPERATION_HASH: OPERATION,
    OPERATION_V1_HASH: OPERATION_V1,
}

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Everything an embed page may do: run the hub's script and fetch from the hub. Styles are
#: the script's adopted stylesheet (not subject to style-src), so no style source is allowed.
PAGE_CSP = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        # The posts' images: the hub's own renditions, or a CDN in front of it.
        "img-src 'self' https:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors *",
    )
)

PAGE = """<!doctype html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{label}</title>
<script src="{script}" defer></script>
</head>
<body>
<hub-posts{attributes}></hub-posts>
</body>
</html>
"""


class BadWidgetRequest(ValueError):
    """An attribute the widget cannot use; the message names it."""


def script_source(post_url_pattern: str) -> bytes:
    config = {
        "endpoint": GRAPHQL_FROM_SCRIPT,
        "operationName": OPERATION_NAME,
        "queryHash": OPERATION_HASH,
        "postUrl": post_url_pattern,
        "maxLimit": MAX_LIMIT,
        "images": IMAGES_FROM_SCRIPT,
    }
    template = files("hub_delivery").joinpath("static/hub-posts.js").read_text(encoding="utf-8")
    if template.count(CONFIG_PLACEHOLDER) != 1:
        raise RuntimeError(f"static/hub-posts.js must hold {CONFIG_PLACEHOLDER!r} exactly once")
    return template.replace(CONFIG_PLACEHOLDER, orjson.dumps(config).decode()).encode()


@dataclass(frozen=True)
class WidgetAttributes:
    """The ``<hub-posts>`` attributes, checked the way the script checks them."""

    values: Mapping[str, str]

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> WidgetAttributes:
        values: dict[str, str] = {}
        for name in ("theme", "section", "author"):
            value = params.get(name, "")
            if value and not _SLUG.fullmatch(value):
                raise BadWidgetRequest(
                    f"{name}={value!r} is not a slug: use lowercase letters, digits and single "
                    "hyphens"
                )
            if value:
                values[name] = value
        language = params.get("lang", "")
        if language:
            try:
                check_language_tag(language)
            except ValueError as error:
                raise BadWidgetRequest(f"lang: {error}") from None
            values["lang"] = language
        limit = params.get("limit", "")
        if limit:
            if not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
                raise BadWidgetRequest(
                    f"limit={limit!r} must be a whole number from 1 to {MAX_LIMIT}"
                )
            values["limit"] = str(int(limit))
        label = params.get("label", "")
        if label:
            values["label"] = label
        return cls(values)

    def html(self) -> str:
        return "".join(f' {name}="{escape(value)}"' for name, value in self.values.items())


def _revalidated(
    request: Request, body: bytes, headers: dict[str, str], media_type: str
) -> Response:
    etag = strong_etag(body)
    headers = {**headers, "ETag": etag, "X-Content-Type-Options": "nosniff"}
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None and etag_matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def widget_routes(settings: Settings) -> list[BaseRoute]:
    source = script_source(PublicUrls.from_settings(settings).post_pattern)

    async def script(request: Request) -> Response:
        headers = {
            "Cache-Control": f"public, max-age={SCRIPT_MAX_AGE}",
            # Partner pages load it with <script src>, which needs no CORS; this lets them
            # load it with crossorigin="anonymous" (for Subresource Integrity) too.
            "Access-Control-Allow-Origin": "*",
        }
        return _revalidated(request, source, headers, "text/javascript; charset=utf-8")

    async def page(request: Request) -> Response:
        try:
            attributes = WidgetAttributes.from_query(request.query_params)
        except BadWidgetRequest as error:
            return problem(400, str(error))
        body = PAGE.format(
            language=escape(attributes.values.get("lang", "en")),
            label=escape(attributes.values.get("label", "Latest posts")),
            script=escape(str(request.url_for("delivery_widget_script").path)),
            attributes=attributes.html(),
        ).encode()
        headers = {
            "Cache-Control": f"public, max-age={SCRIPT_MAX_AGE}",
            "Content-Security-Policy": PAGE_CSP,
            "Referrer-Policy": "no-referrer",
        }
        return _revalidated(request, body, headers, "text/html; charset=utf-8")

    max_age = delivery_settings.max_age(settings)

    async def images(request: Request) -> Response:
        slugs = [slug for slug in request.query_params.get("posts", "").split(",") if slug]
        if not 1 <= len(slugs) <= MAX_LIMIT or not all(_SLUG.fullmatch(s) for s in slugs):
            return problem(400, f"posts must be 1 to {MAX_LIMIT} post slugs, comma-separated")
        context = Context(settings, request.app.state.hub.plugin_manager, {}, request=request)
        rows = await visible_posts(context).filter(slug__in=slugs).values_list("id", "slug")
        ids = dict(rows)
        found = await post_images(request, list(ids))
        answer = {
            ids[post_id]: {"url": image.url, "alt": image.alt, "width": image.width,
                           "height": image.height}
            for post_id, image in found.items()
        }  # fmt: skip
        keys = ["Post", *(f"Post:{post_id}" for post_id in ids)]
        return cacheable_response(request, orjson.dumps(answer), "application/json", max_age, keys)

    return [
        Route(IMAGES_PATH, images, methods=["GET"], name="delivery_widget_images"),
        Route(SCRIPT_PATH, script, methods=["GET"], name="delivery_widget_script"),
        Route(PAGE_PATH, page, methods=["GET"], name="delivery_widget_page"),
    ]
