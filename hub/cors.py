"""Cross-origin requests (CORS): which web pages may read the hub's answers.

One middleware decides for the whole application.

Public reads, as in Ghost's Content API: with ``HUB_CORS_PUBLIC_READS`` on (the default), a
request without credentials (no ``Authorization``, no cookies) that reads is answered with
``Access-Control-Allow-Origin: *``, so any page may show public content: GETs, and POSTs to
``/graphql`` that executed no mutation or subscription (the GraphQL view records what it
executes, see :data:`OPERATIONS_STATE_KEY`; a request refused before executing changed
nothing, and its error is for the page to read). Their preflights succeed from any origin as
long as they do not ask to send ``Authorization``. The answer does not depend on the
``Origin``, so shared caches keep one copy.

Everything else — requests with a token, mutations — is for allowed origins only: an origin is
allowed when ``HUB_CORS_ORIGINS`` lists it or when a plugin's ``cors_origin_allowed`` hook says
so (the delivery plugin allows its partners' origins), so preflights and actual requests get
the same answer whoever allowed them. Those answers echo the exact origin, with ``Vary:
Origin``, so no shared cache hands one origin's answer to another.

The hub authenticates with bearer tokens, never cookies, so it never sends
``Access-Control-Allow-Credentials``.
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
#: Response headers a page may read besides the CORS-safelisted ones: validators, the rate
#: limit's (so a partner's script can back off when told to), the query's cost against its
#: budget, and the SQL statement count of debug mode.
EXPOSED_HEADERS = (
    "ETag, Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, "
    "Hub-Query-Cost, X-Hub-SQL-Statements"
)
PREFLIGHT_MAX_AGE = "600"
#: Methods whose anonymous requests only read: public whatever their path.
READING_METHODS = frozenset({"GET", "HEAD"})
GRAPHQL_PATH = "/graphql"
#: ``scope["state"]`` key under which the GraphQL view lists the types of the operations it
#: executes ("query", "mutation", "subscription").
OPERATIONS_STATE_KEY = "hub_graphql_operations"
WRITING_OPERATIONS = frozenset({"mutation", "subscription"})


def carries_credentials(headers: Headers) -> bool:
    return "authorization" in headers or "cookie" in headers


def only_read(scope: Scope) -> bool:
    """True when the GraphQL view executed no operation that writes for this request."""
    return not WRITING_OPERATIONS.intersection(scope["state"].get(OPERATIONS_STATE_KEY, ()))


class CrossOriginPolicy:
    def __init__(
        self,
        app: ASGIApp,
        origins: Collection[str],
        plugin_manager: pluggy.PluginManager,
        settings: Settings,
        public_reads: bool = False,
    ) -> None:
        self.app = app
        self.origins = frozenset(origins)
        self.plugin_manager = plugin_manager
        self.settings = settings
        self.public_reads = public_reads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        method = scope["method"]
        anonymous = self.public_reads and not carries_credentials(headers)
        if anonymous and method in READING_METHODS:
            # Decided without asking plugins: the hot path of every public page.
            await self.app(scope, receive, self.marking_public(send))
            return
        public_post = anonymous and method == "POST" and scope["path"] == GRAPHQL_PATH
        if origin is None and not public_post:
            await self.app(scope, receive, send)
            return
        allowed = origin is not None and await self.allows(origin, scope, receive)
        if (
            origin is not None
            and method == "OPTIONS"
            and "access-control-request-method" in headers
        ):
            await self.preflight(origin, allowed, anonymous, headers, send)
            return
        if public_post:
            # Whether it only read is known once the view ran: the state is shared with it.
            scope.setdefault("state", {})
            await self.app(scope, receive, self.marking_post(origin, allowed, scope, send))
            return
        assert origin is not None
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

    async def preflight(
        self, origin: str, allowed: bool, anonymous: bool, headers: Headers, send: Send
    ) -> None:
        method = headers["access-control-request-method"].upper()
        requested = {
            name.strip().lower()
            for name in headers.get("access-control-request-headers", "").split(",")
            if name.strip()
        }
        # Preflights carry no credentials of their own: a public one asks to send none.
        public = not allowed and anonymous and "authorization" not in requested
        problem = None
        if not allowed and not public:
            problem = (
                f"The origin {origin} may not send credentials to this API from a browser "
                "(CORS): only origins allowed by HUB_CORS_ORIGINS or a partner key may."
                if anonymous
                else f"The origin {origin} may not call this API from a browser (CORS)."
            )
        elif method not in ALLOWED_METHODS:
            problem = f"The method {method} is not allowed (CORS allows GET and POST)."
        elif not requested <= ALLOWED_HEADERS:
            names = ", ".join(sorted(requested - ALLOWED_HEADERS))
            problem = f"The request headers {names} are not allowed (CORS)."
        answer: list[tuple[bytes, bytes]] = [(b"vary", b"Origin")]
        # A public preflight's answer is cached by the browser for its origin: it must not let
        # later requests from that origin send a token unasked.
        allowed_headers = ALLOWED_HEADERS - {"authorization"} if public else ALLOWED_HEADERS
        if problem is None:
            body = b""
            status = 200
            answer += [
                (b"access-control-allow-origin", b"*" if public else origin.encode("latin-1")),
                (b"access-control-allow-methods", ", ".join(ALLOWED_METHODS).encode()),
                (b"access-control-allow-headers", ", ".join(sorted(allowed_headers)).encode()),
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
    def marking_public(send: Send) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                headers = MutableHeaders(scope=message)
                headers["access-control-allow-origin"] = "*"
                headers["access-control-expose-headers"] = EXPOSED_HEADERS
            await send(message)

        return sending

    def marking_post(self, origin: str | None, allowed: bool, scope: Scope, send: Send) -> Send:
        public = self.marking_public(send)
        private = send if origin is None else self.marking(origin, allowed, send)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and only_read(scope):
                await public(message)
            else:
                await private(message)

        return sending

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
