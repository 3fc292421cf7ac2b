"""The ``/graphql`` endpoint: GraphQL over HTTP, GraphiQL in a browser."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Any

import orjson
import pluggy
import strawberry
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from hub.graphql.context import Context, LoaderFactory
from hub.settings import Settings


class HubGraphQL(GraphQL[Context, None]):
    def __init__(
        self,
        schema: strawberry.Schema,
        settings: Settings,
        plugin_manager: pluggy.PluginManager,
        loader_factories: Mapping[str, LoaderFactory],
    ) -> None:
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=True)
        self.settings = settings
        self.plugin_manager = plugin_manager
        self.loader_factories = loader_factories

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        actor = self.plugin_manager.hook.actor_from_request(request=request, settings=self.settings)
        if callable(actor):
            actor = actor()
        if inspect.isawaitable(actor):
            actor = await actor
        return Context(
            settings=self.settings,
            plugin_manager=self.plugin_manager,
            loader_factories=self.loader_factories,
            request=request if isinstance(request, Request) else None,
            response=response if isinstance(response, Response) else None,
            actor=actor,
        )

    def encode_json(self, data: Any) -> bytes:
        return orjson.dumps(data)
