"""Bearer tokens, checked before any endpoint runs: a bad token is a 401, never a guess.

A request without ``Authorization`` is anonymous. One with a token that is unknown, expired or
revoked is refused with 401 and a JSON body saying which, so a client is never silently served
the anonymous view it did not ask for. A valid token becomes ``request.state.hub_actor``, which
the ``actor_from_request`` hook hands to GraphQL, and plugin routes can read too.
"""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from hub.access.scopes import ScopeCatalogue, scope_catalogue
from hub.access.tokens import InvalidToken, authenticate

ACTOR_STATE_KEY = "hub_actor"


class BearerTokenAuthentication:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._catalogue: ScopeCatalogue | None = None

    def catalogue(self, scope: Scope) -> ScopeCatalogue:
        # Built on first use: the plugin manager lives on the app, which middleware meets only
        # in a request's scope.
        if self._catalogue is None:
            self._catalogue = scope_catalogue(scope["app"].state.hub.plugin_manager)
        return self._catalogue

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        authorization = Headers(scope=scope).get("authorization")
        if authorization is not None:
            scheme, _, token = authorization.partition(" ")
            try:
                if scheme.lower() != "bearer" or not token.strip():
                    raise InvalidToken(
                        "The Authorization header must be `Bearer <token>` with an API token."
                    )
                actor = await authenticate(token.strip(), self.catalogue(scope), datetime.now(UTC))
            except InvalidToken as error:
                await self.refuse(scope, receive, send, str(error))
                return
            scope.setdefault("state", {})[ACTOR_STATE_KEY] = actor
        await self.app(scope, receive, send)

    async def refuse(self, scope: Scope, receive: Receive, send: Send, message: str) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 4401, "reason": message})
            return
        body = orjson.dumps(
            {"errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]}
        )
        description = message.replace('"', "'")
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (
                        b"www-authenticate",
                        f'Bearer error="invalid_token", error_description="{description}"'.encode(),
                    ),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
