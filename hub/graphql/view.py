"""The ``/graphql`` endpoint: GraphQL over HTTP, GraphiQL in a browser.

Strawberry's view does the GraphQL work; :class:`HubGraphQL` adds what the GraphQL-over-HTTP
spec asks of the transport and Strawberry leaves out (the tests run the ``graphql-http`` audit):

- ``application/graphql-response+json`` when the client's ``Accept`` prefers it, with 400 for
  request errors (unparsable or invalid documents, bad variables); ``application/json`` otherwise,
  where every well-formed request gets 200;
- no ``data`` entry when the request failed before execution began;
- mutations over GET refused with 405 and ``Allow: POST``; subscriptions over GET or POST refused
  with 400 and a pointer to graphql-transport-ws;
- ``variables`` and ``extensions`` in a GET URL: JSON objects, where ``null`` means none;
- transport errors (bad JSON, missing query, ...) as a JSON body with ``errors``, not plain text.

GraphQL multipart requests (file uploads) are accepted only when a plugin declares
``PluginMetadata(accepts_uploads=True)``, and only with a header that a cross-site HTML form
cannot send, so a browser asks the CORS policy first (CSRF).

Browsers get the hub's own GraphiQL page (:mod:`hub.graphiql`) instead of Strawberry's, which
loads its scripts from a CDN.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

import orjson
import pluggy
import strawberry
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.types import QueryParams
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from hub.graphiql import GraphiQLPage
from hub.graphql.context import Context, LoaderFactory
from hub.graphql.response_limit import encode_within
from hub.settings import Settings

APPLICATION_JSON = "application/json"
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
#: What GET and POST run; subscriptions need a connection that stays open.
HTTP_OPERATIONS = frozenset({OperationType.QUERY, OperationType.MUTATION})
SUBSCRIPTIONS_OVER_WEBSOCKET = (
    "Subscriptions are not served over HTTP GET or POST: open a WebSocket to this same URL "
    "with the graphql-transport-ws protocol."
)
#: A multipart request must carry one of these: a plain HTML form can send neither.
PREFLIGHT_HEADERS = ("authorization", "graphql-require-preflight")
#: Where an HTTP request keeps its GraphQL context (``request.state.hub_graphql_context``).
CONTEXT_STATE_KEY = "hub_graphql_context"


def json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for error messages."""
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    names.update({list: "an array", dict: "an object", type(None): "null"})
    return names.get(type(value), type(value).__name__)


class MethodNotAllowed(HTTPException):
    def __init__(self, reason: str, allow: str) -> None:
        super().__init__(405, reason)
        self.allow = allow


def _quality(parameters: str) -> float:
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0


def response_media_type(accept: str | None) -> str:
    """The media type to answer with: the spec's new one only when the client asks for it by name.

    Wildcards (``*/*``, ``application/*``) and a missing ``Accept`` get ``application/json``, which
    every client understands. Accept headers matching neither type also get ``application/json``:
    the spec allows that instead of 406, and a readable error beats an empty one.
    """
    if not accept:
        return APPLICATION_JSON
    ranges: dict[str, float] = {}
    for item in accept.split(","):
        media_range, _, parameters = item.partition(";")
        media_range = media_range.strip().lower()
        if media_range:
            ranges[media_range] = max(ranges.get(media_range, 0.0), _quality(parameters))
    json_quality = next(
        (ranges[name] for name in (APPLICATION_JSON, "application/*", "*/*") if name in ranges),
        0.0,
    )
    graphql_quality = ranges.get(GRAPHQL_RESPONSE_JSON, 0.0)
    if graphql_quality > 0 and graphql_quality >= json_quality:
        return GRAPHQL_RESPONSE_JSON
    return APPLICATION_JSON


def is_request_error(result: ExecutionResult) -> bool:
    """True when the request failed before execution began (parsing, validation, variables).

    Field errors always carry a ``path``; request errors never do.
    """
    return (
        result.data is None
        and bool(result.errors)
        and all(error.path is None for error in result.errors or ())
    )


class HubGraphQL(GraphQL[Context, None]):
    def __init__(
        self,
        schema: strawberry.Schema,
        settings: Settings,
        plugin_manager: pluggy.PluginManager,
        loader_factories: Mapping[str, LoaderFactory],
        graphiql: GraphiQLPage | None = None,
        multipart_uploads: bool = False,
    ) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql",
            allow_queries_via_get=True,
            multipart_uploads_enabled=multipart_uploads,
        )
        self.settings = settings
        self.plugin_manager = plugin_manager
        self.loader_factories = loader_factories
        self.graphiql = graphiql

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        try:
            try:
                response = await self.run(request)
            except HTTPException as error:
                response = self.error_response(request, error)
            await response(scope, receive, send)
        finally:
            context: Context | None = getattr(request.state, CONTEXT_STATE_KEY, None)
            if context is not None:
                context.loaders.clear()

    async def render_graphql_ide(self, request: Request) -> Response:
        if self.graphiql is None:
            raise HTTPException(
                404,
                "GraphiQL is switched off on this hub (HUB_GRAPHIQL=0): send GraphQL requests "
                "with POST, or GET with a query parameter.",
            )
        return self.graphiql.page()

    def error_response(self, request: Request, error: HTTPException) -> Response:
        """A request we could not run, as a GraphQL response without ``data``."""
        response = Response(
            self.encode_json({"errors": [{"message": error.reason}]}),
            status_code=error.status_code,
            media_type=response_media_type(request.headers.get("accept")),
        )
        if isinstance(error, MethodNotAllowed):
            response.headers["allow"] = error.allow
        elif error.status_code == 405:
            response.headers["allow"] = "GET, POST"
        return response

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        actor = self.plugin_manager.hook.actor_from_request(request=request, settings=self.settings)
        if callable(actor):
            actor = actor()
        if inspect.isawaitable(actor):
            actor = await actor
        context = Context(
            settings=self.settings,
            plugin_manager=self.plugin_manager,
            loader_factories=self.loader_factories,
            request=request if isinstance(request, Request) else None,
            response=response if isinstance(response, Response) else None,
            actor=actor,
        )
        if isinstance(request, Request):
            setattr(request.state, CONTEXT_STATE_KEY, context)
        return context

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        # The sub-response travels from here to ``create_response``, which sees no request:
        # it carries the negotiated media type.
        sub_response.media_type = response_media_type(request.headers.get("accept"))
        return sub_response

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        # Strawberry's own ``execute_single`` lets subscriptions through on GET and POST (for
        # its multipart protocol, which we do not serve): here they are refused by name.
        method = request_adapter.method
        allowed = {OperationType.QUERY} if method == "GET" else HTTP_OPERATIONS
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except CannotGetOperationTypeError as error:
            raise HTTPException(400, error.as_http_error_reason()) from error
        except MissingQueryError as error:
            raise HTTPException(400, "No GraphQL query found in the request") from error
        except InvalidOperationTypeError as error:
            if error.operation_type is OperationType.SUBSCRIPTION:
                raise HTTPException(400, SUBSCRIPTIONS_OVER_WEBSOCKET) from error
            # GET must stay safe (no side effects): the spec's answer is 405, not 400.
            raise MethodNotAllowed("Mutations are only accepted over POST.", "POST") from error

    def parse_query_params(self, params: QueryParams) -> dict[str, Any]:
        """A GET request's parameters, with ``variables`` and ``extensions`` read as JSON."""
        parsed: dict[str, Any] = dict(params)
        for name in ("variables", "extensions"):
            if name in parsed:
                parsed[name] = self._json_object_parameter(name, parsed[name])
        return parsed

    def _json_object_parameter(self, name: str, text: object) -> dict[str, Any] | None:
        # Absent, empty and JSON null all mean "none" (GraphQL over HTTP: "null or omitted").
        if not isinstance(text, str) or not text:
            return None
        try:
            value = self.decode_json(text)
        except orjson.JSONDecodeError as error:
            raise HTTPException(
                400, f"The `{name}` query parameter is not valid JSON: {error}."
            ) from error
        if value is None or isinstance(value, dict):
            return value
        raise HTTPException(
            400,
            f"The `{name}` query parameter must be a JSON object or null, got {json_type(value)}.",
        )

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        if is_request_error(result):
            # GraphQL spec: a request that never executed has no ``data`` entry, not ``null``.
            response.pop("data", None)
        return response

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        media_type = sub_response.media_type or APPLICATION_JSON
        status_code = 200
        # With application/json every well-formed request gets 200 (legacy clients read the body
        # only on 200); with the new media type a response without data is a 400.
        if (
            media_type == GRAPHQL_RESPONSE_JSON
            and isinstance(response_data, dict)
            and "data" not in response_data
        ):
            status_code = 400
        response = Response(
            encode_within(response_data, self.settings.max_response_bytes),
            status_code=sub_response.status_code or status_code,
            media_type=media_type,
        )
        response.headers.raw.extend(sub_response.headers.raw)
        if sub_response.background:
            response.background = sub_response.background
        return response

    async def parse_multipart(self, request: AsyncHTTPRequestAdapter) -> dict[str, str]:
        if not any(request.headers.get(name) for name in PREFLIGHT_HEADERS):
            raise HTTPException(
                400,
                "A multipart request needs an `Authorization` or `GraphQL-Require-Preflight` "
                "header (any value): it keeps other sites' forms from posting here (CSRF).",
            )
        return await super().parse_multipart(request)

    def parse_json(self, data: str | bytes) -> Any:
        try:
            parsed = self.decode_json(data)
        except orjson.JSONDecodeError as error:
            raise HTTPException(400, f"The request body is not valid JSON: {error}.") from error
        if not isinstance(parsed, dict | list):
            raise HTTPException(
                400,
                'Expected a JSON object such as {"query": "{ __typename }"}, '
                f"got {json_type(parsed)}.",
            )
        return parsed

    def decode_json(self, data: str | bytes) -> object:
        # orjson also rejects bodies that are not UTF-8 with a JSONDecodeError (so a 400).
        return orjson.loads(data)

    def encode_json(self, data: Any) -> str:
        # Text, not bytes: Strawberry sends bytes as binary WebSocket frames, and
        # graphql-transport-ws clients (the `graphql-ws` library in browsers) expect text frames.
        return orjson.dumps(data).decode()
