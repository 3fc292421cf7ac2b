"""``create_app(settings)``: the whole hub as one Starlette application."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext
from dataclasses import dataclass

import pluggy
from graphql import GraphQLSchema
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from tortoise import Tortoise

from hub.collector import tuned_for_serving
from hub.content.registry import ContentTypes, content_types
from hub.cors import CrossOriginPolicy
from hub.db import config_for
from hub.errors import PluginError
from hub.fanout import fanned_out
from hub.graphiql import ASSETS_PATH, GraphiQLPage
from hub.graphql.busy import busy_message
from hub.graphql.schema import BuiltSchema, build_schema
from hub.graphql.view import HubGraphQL
from hub.http import BodySizeLimit, BusyDatabaseAnswer
from hub.plugin_rules import check_route_prefixes, declared_settings
from hub.plugins import call_each_async, declared_metadata, get_plugin_manager, iter_results
from hub.settings import Settings
from hub.sql_statements import SQLStatementsHeader, statements_counted

logger = logging.getLogger("hub")


@dataclass
class Hub:
    """What ``create_app`` composed, kept on ``app.state.hub`` for plugins and tests."""

    settings: Settings
    plugin_manager: pluggy.PluginManager
    built: BuiltSchema
    content_types: ContentTypes


def load_settings(pm: pluggy.PluginManager, settings: Settings) -> Settings:
    return settings.with_plugin_settings(declared_settings(pm))


def plugin_routes(
    pm: pluggy.PluginManager, settings: Settings, reserved: set[str]
) -> list[BaseRoute]:
    """Every plugin's routes; a path served twice stops start-up naming both owners."""
    owners = dict.fromkeys(reserved, "hub")
    routes: list[BaseRoute] = []
    offered = [
        (plugin, route)
        for plugin, registered in iter_results(pm, "register_routes", settings=settings)
        for route in registered
    ]
    check_route_prefixes(pm, offered)
    for plugin, route in offered:
        path = str(getattr(route, "path", ""))
        if path in owners:
            raise PluginError(
                f"Plugins {owners[path]!r} and {plugin!r} both serve the path {path}: "
                "each plugin should keep its routes under a prefix of its own."
            )
        owners[path] = plugin
        routes.append(route)
    return routes


def create_app(
    settings: Settings | None = None, plugin_manager: pluggy.PluginManager | None = None
) -> Starlette:
    """Compose the hub from its plugins. Nothing touches the database until the lifespan."""
    settings = settings or Settings.from_env()
    pm = plugin_manager or get_plugin_manager(disabled=settings.plugins_disabled)
    settings = load_settings(pm, settings)
    declared = content_types(pm, settings)
    built = build_schema(pm, settings)
    graphiql = GraphiQLPage() if settings.graphiql else None
    uploads = any(metadata.accepts_uploads for metadata in declared_metadata(pm).values())
    graphql = HubGraphQL(
        built.schema, settings, pm, built.loader_factories, graphiql, multipart_uploads=uploads
    )

    async def home(request: Request) -> Response:
        return RedirectResponse("/graphql")

    routes: list[BaseRoute] = [
        Route("/", home, include_in_schema=False),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        # Subscriptions: graphql-transport-ws (and the legacy graphql-ws) on the same path.
        WebSocketRoute("/graphql", graphql),
    ]
    if graphiql is not None:
        routes.extend(graphiql.routes())
    routes.extend(plugin_routes(pm, settings, reserved={"/", "/graphql", ASSETS_PATH}))

    middleware = [
        Middleware(BusyDatabaseAnswer, message=busy_message(settings)),
        Middleware(BodySizeLimit, max_bytes=settings.max_body_bytes),
    ]
    if (
        settings.cors_public_reads
        or settings.cors_origins
        or pm.hook.cors_origin_allowed.get_hookimpls()
    ):
        # Outside the plugins' middleware, so their refusals (a 401 for a bad token) carry the
        # CORS headers a browser needs to show them to the page.
        middleware.append(
            Middleware(
                CrossOriginPolicy,
                origins=settings.cors_origins,
                plugin_manager=pm,
                settings=settings,
                public_reads=settings.cors_public_reads,
            )
        )
    for _, plugin_middleware in iter_results(pm, "register_middleware", settings=settings):
        middleware.extend(plugin_middleware)
    if settings.debug:
        # Outermost, so the count includes what every middleware reads (tokens, partner keys).
        middleware.insert(0, Middleware(SQLStatementsHeader))

    tortoise_config = config_for(pm, settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # The global fallback lets request tasks (other than the lifespan's) see the ORM.
        await Tortoise.init(config=tortoise_config, _enable_global_fallback=True)
        try:
            # Other processes' content events reach this one's plugins from here on.
            async with fanned_out(pm, settings):
                await call_each_async(pm, "startup", app=app, settings=settings)
                counting = statements_counted() if settings.debug else nullcontext()
                with tuned_for_serving(), counting:
                    yield
                await call_each_async(pm, "shutdown", app=app, settings=settings)
        finally:
            await Tortoise.close_connections()

    app = Starlette(debug=settings.debug, routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.hub = Hub(settings=settings, plugin_manager=pm, built=built, content_types=declared)
    return app


def served_schema(settings: Settings | None = None) -> GraphQLSchema:
    """The schema ``hub serve`` would serve with these settings (default: the environment's),
    composed by the plugins they load: for commands that check GraphQL documents."""
    schema: GraphQLSchema = create_app(settings).state.hub.built.schema._schema
    return schema
