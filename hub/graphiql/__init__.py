"""GraphiQL at ``/graphql``, served by the hub itself: no CDN, so it works offline.

The browser files are npm's builds of GraphiQL, its explorer plugin, React and ReactDOM at the
exact versions of ``package-lock.json``, copied into ``vendor/`` by
``tools/vendor_graphiql.py`` (with their licences in ``vendor/LICENSES.txt``); ``static/``
holds the page's own script and stylesheet. Each file is served under a URL naming a digest of
its content, so browsers and caches may keep it for a year; the page itself is small, never
cached, and carries a Content-Security-Policy that allows scripts, styles and connections
from the hub alone, with no inline script.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property
from html import escape
from importlib import resources

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

#: Where the files are served: ``/graphiql/<digest>/<name>``.
ASSETS_PATH = "/graphiql"
#: Immutable: a new content gets a new digest, hence a new URL.
ASSET_CACHE_CONTROL = "public, max-age=31536000, immutable"

MEDIA_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

#: Served in this order: stylesheets in the head, then scripts (deferred, so in order).
STYLESHEETS = ("vendor/graphiql.min.css", "vendor/plugin-explorer.css", "static/hub-graphiql.css")
SCRIPTS = (
    "vendor/react.production.min.js",
    "vendor/react-dom.production.min.js",
    "vendor/graphiql.min.js",
    "vendor/plugin-explorer.umd.js",
    "static/hub-graphiql.js",
)

#: GraphiQL's fonts and icons are data: URLs inside its stylesheet. Subscriptions connect to
#: the page's own host over ws:/wss:, which 'self' covers in CSP Level 3.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphiQL</title>
<link rel="icon" href="data:,">
{stylesheets}
{scripts}
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
</body>
</html>
"""


@dataclass
class Asset:
    """One served file, its digest (for the URL and ETag) and its Subresource Integrity hash."""

    name: str
    body: bytes
    media_type: str
    digest: str = field(init=False)
    integrity: str = field(init=False)

    def __post_init__(self) -> None:
        self.digest = hashlib.sha256(self.body).hexdigest()[:16]
        sha384 = base64.b64encode(hashlib.sha384(self.body).digest()).decode()
        self.integrity = f"sha384-{sha384}"

    @property
    def url(self) -> str:
        return f"{ASSETS_PATH}/{self.digest}/{self.name}"

    @cached_property
    def gzipped(self) -> bytes:
        # Made on first request, once per process: GraphiQL's bundle is 3.5 MB, 0.7 MB gzipped.
        return gzip.compress(self.body, compresslevel=6, mtime=0)


class GraphiQLPage:
    """The page and its files, read from the package on first use."""

    @cached_property
    def assets(self) -> dict[str, Asset]:
        package = resources.files(__name__)
        assets = {}
        for path in (*STYLESHEETS, *SCRIPTS):
            name = path.rpartition("/")[2]
            suffix = name[name.rindex(".") :]
            assets[name] = Asset(name, package.joinpath(path).read_bytes(), MEDIA_TYPES[suffix])
        return assets

    @cached_property
    def html(self) -> str:
        def asset(path: str) -> Asset:
            return self.assets[path.rpartition("/")[2]]

        stylesheets = "\n".join(
            f'<link rel="stylesheet" href="{escape(asset(path).url)}" '
            f'integrity="{asset(path).integrity}">'
            for path in STYLESHEETS
        )
        scripts = "\n".join(
            f'<script src="{escape(asset(path).url)}" integrity="{asset(path).integrity}" '
            "defer></script>"
            for path in SCRIPTS
        )
        return PAGE.format(stylesheets=stylesheets, scripts=scripts)

    @cached_property
    def versions(self) -> dict[str, str]:
        """The npm packages served, by name: their exact versions."""
        text = resources.files(__name__).joinpath("vendor/VERSIONS.json").read_text("utf-8")
        versions: dict[str, str] = json.loads(text)
        return versions

    def page(self) -> HTMLResponse:
        return HTMLResponse(
            self.html,
            headers={
                "content-security-policy": CONTENT_SECURITY_POLICY,
                "cache-control": "no-cache",
                "referrer-policy": "no-referrer",
                "x-content-type-options": "nosniff",
            },
        )

    async def asset(self, request: Request) -> Response:
        asset = self.assets.get(request.path_params["name"])
        if asset is None or request.path_params["digest"] != asset.digest:
            # An old page after an upgrade asks for files that are gone: its integrity hashes
            # would refuse the new ones anyway.
            return Response("No such GraphiQL file.", status_code=404, media_type="text/plain")
        headers = {
            "cache-control": ASSET_CACHE_CONTROL,
            "etag": f'"{asset.digest}"',
            "vary": "Accept-Encoding",
            "x-content-type-options": "nosniff",
        }
        if request.headers.get("if-none-match") == headers["etag"]:
            return Response(status_code=304, headers=headers)
        body = asset.body
        if "gzip" in request.headers.get("accept-encoding", ""):
            body = asset.gzipped
            headers["content-encoding"] = "gzip"
        return Response(body, media_type=asset.media_type, headers=headers)

    def routes(self) -> list[BaseRoute]:
        return [Route(f"{ASSETS_PATH}/{{digest}}/{{name}}", self.asset, methods=["GET"])]
