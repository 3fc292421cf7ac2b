"""Cross-origin requests (CORS): which web pages may read the hub's answers.

One middleware decides for the whole application. An origin is allowed when ``HUB_CORS_ORIGINS``
lists it or when a plugin's ``cors_origin_allowed`` hook says so (the delivery plugin allows its
partners' origins), so preflights and actual requests get the same answer whoever allowed them.

The hub authenticates with bearer tokens, never cookies, so it never sends
``Access-Control-Allow-Credentials``; and it always echoes the exact origin instead of ``*``, with
``Vary: Origin`` on every answer to a request with an ``Origin``, so no shared cache hands one
origin's answer to another.
"""

from __future__ import annotations

import inspect
from collections.abc import Collection

import orjson
import pluggy
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.hookcalls import call_plugin, implementations
from hub.settings import Settings

ALLOWED_METHODS = ("GET", "POST")
ALLOWED_HEADERS = frozenset(
    {"accept", "accept-language", "content-language", "content-type", "authorization"}
)
#: Response headers a page may read besides the CORS-safelisted ones: validators and the rate
#: limit's, so a partner's script can back off when told to.
EXPOSED_HEADERS = "ETag, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset"
PREFLIGHT_MAX_AGE = "600"


class CrossOriginPolicy:
    def __init__(
        self,
        app: ASGIApp,
        origins: Collection[str],
        plugin_manager: pluggy.PluginManager,
        settings: Settings,
    ) -> None:
        self.app = app
        self.origins = frozenset(origins)
        self.plugin_manager = plugin_manager
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if origin is None:
            await self.app(scope, receive, send)
            return
        allowed = await self.allows(origin, scope, receive)
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await self.preflight(origin, allowed, headers, send)
            return
        await self.app(scope, receive, self.marking(origin, allowed, send))

    async def allows(self, origin: str, scope: Scope, receive: Receive) -> bool:
        if origin in self.origins:
            return True
        request = Request(scope, receive)
        pm = self.plugin_manager
        for impl in implementations(pm, "cors_origin_allowed"):
            answer = call_plugin(
                pm, "cors_origin_allowed", impl, origin=origin, request=request,
                settings=self.settings,
            )  # fmt: skip
            if inspect.isawaitable(answer):
                answer = await answer
            if answer:
                return True
        return False

    async def preflight(self, origin: str, allowed: bool, headers: Headers, send: Send) -> None:
        method = headers["access-control-request-method"].upper()
        requested = {
            name.strip().lower()
            for name in headers.get("access-control-request-headers", "").split(",")
            if name.strip()
        }
        problem = None
        if not allowed:
            problem = f"The origin {origin} may not call this API from a browser (CORS)."
        elif method not in ALLOWED_METHODS:
            problem = f"The method {method} is not allowed (CORS allows GET and POST)."
        elif not requested <= ALLOWED_HEADERS:
            names = ", ".join(sorted(requested - ALLOWED_HEADERS))
            problem = f"The request headers {names} are not allowed (CORS)."
        answer: list[tuple[bytes, bytes]] = [(b"vary", b"Origin")]
        if problem is None:
            body = b""
            status = 200
            answer += [
                (b"access-control-allow-origin", origin.encode("latin-1")),
                (b"access-control-allow-methods", ", ".join(ALLOWED_METHODS).encode()),
                (b"access-control-allow-headers", ", ".join(sorted(ALLOWED_HEADERS)).encode()),
                (b"access-control-max-age", PREFLIGHT_MAX_AGE.encode()),
            ]
        else:
            body = orjson.dumps({"errors": [{"message": problem}]})
            status = 400
            answer.append((b"content-type", b"application/json"))
        answer.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": answer})
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    def marking(origin: str, allowed: bool, send: Send) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                headers = MutableHeaders(scope=message)
                headers.add_vary_header("Origin")
                if allowed:
                    headers["access-control-allow-origin"] = origin
                    headers["access-control-expose-headers"] = EXPOSED_HEADERS
            await send(message)

        return sending
