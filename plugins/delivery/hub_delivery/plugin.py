"""The delivery plugin's hook implementations: everything it adds to the hub."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pluggy
from starlette.middleware import Middleware

from hub import ModelApp, PluginMetadata, Setting, Settings, hookimpl
from hub_delivery import hookspecs, settings
from hub_delivery.feeds import feed_routes
from hub_delivery.hookspecs import OEmbedResource
from hub_delivery.middleware import DeliveryMiddleware
from hub_delivery.oembed import oembed_routes, own_resources
from hub_delivery.partner_gate import PartnerGate
from hub_delivery.partner_runtime import PARTNERS_STATE_KEY, Partners
from hub_delivery.public_urls import PublicUrls
from hub_delivery.purging import cache_purges
from hub_delivery.readiness import redis_check
from hub_delivery.runtime import STATE_KEY, Delivery
from hub_delivery.settings import redis_url
from hub_delivery.sitemap import sitemap_routes
from hub_delivery.widget import widget_routes

if TYPE_CHECKING:
    import typer
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.routing import BaseRoute


@hookimpl
def plugin_metadata() -> PluginMetadata:
    # oEmbed has its well-known paths, feeds theirs, and partner pages embed the widget.
    return PluginMetadata(
        route_prefixes=("/oembed", "/embed", "/feeds", "/sitemap.xml", "/sitemaps"),
        shared_settings=("HUB_REDIS_URL",),
    )


@hookimpl
def add_hookspecs(plugin_manager: pluggy.PluginManager) -> None:
    # A plugin registered earlier may implement these hooks already (optionalhook): its hook
    # caller exists then, without a specification, and adding the specification verifies it.
    caller = getattr(plugin_manager.hook, "register_oembed_resources", None)
    if caller is None or caller.spec is None:
        plugin_manager.add_hookspecs(hookspecs)
    # Content events purge caches in every process, CLI commands included.
    cache_purges(plugin_manager)


@hookimpl
def register_oembed_resources(settings: Settings) -> Sequence[OEmbedResource]:
    return own_resources(settings)


@hookimpl
def public_url(type_name: str, slug: str, settings: Settings) -> str | None:
    # The same addresses feeds, oEmbed and the sitemap give: the canonical URL of a post.
    return PublicUrls.from_settings(settings).object_url(type_name, slug)


@hookimpl
def register_settings() -> Sequence[Setting[Any]]:
    return settings.DECLARED


@hookimpl
def register_models() -> Sequence[ModelApp]:
    return [ModelApp(label="delivery", modules=("hub_delivery.models",))]


@hookimpl
def register_middleware() -> Sequence[Middleware]:
    # Partner checks first: a refused or rate-limited request never reaches the cache.
    return [Middleware(PartnerGate), Middleware(DeliveryMiddleware)]


@hookimpl
async def cors_origin_allowed(origin: str, request: Request) -> bool:
    # A partner's origins may read the hub's answers; its key is checked against them later.
    partners: Partners | None = getattr(request.app.state, PARTNERS_STATE_KEY, None)
    return partners is not None and await partners.directory.is_partner_origin(origin)


@hookimpl
def register_routes(settings: Settings) -> Sequence[BaseRoute]:
    # Feeds, oEmbed, the widget and the sitemap: what partners' tools and search engines read
    # without GraphQL.
    return [
        *feed_routes(settings),
        *oembed_routes(settings),
        *widget_routes(settings),
        *sitemap_routes(settings),
    ]


@hookimpl
def startup(app: Starlette, settings: Settings) -> None:
    hub = app.state.hub
    # The graphql-core schema Strawberry built: the document analyser reads types from it.
    cache_purges(hub.plugin_manager).configure(settings)
    delivery = Delivery(settings, hub.plugin_manager, hub.built.schema._schema)
    setattr(app.state, STATE_KEY, delivery)
    hub.plugin_manager.register(delivery, name=f"{STATE_KEY}-{id(app)}")
    setattr(app.state, PARTNERS_STATE_KEY, Partners.from_settings(settings))


@hookimpl
async def shutdown(app: Starlette) -> None:
    delivery = getattr(app.state, STATE_KEY, None)
    if delivery is not None:
        app.state.hub.plugin_manager.unregister(delivery)
        await delivery.close()
    partners: Partners | None = getattr(app.state, PARTNERS_STATE_KEY, None)
    if partners is not None:
        await partners.close()


@hookimpl
def readiness_checks(settings: Settings) -> Mapping[str, Callable[[], Awaitable[str | None]]]:
    # Shared rate limits live in Redis when HUB_REDIS_URL is set: no Redis, no service.
    return redis_check(redis_url(settings))


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    # Imported here so serving the API never loads the CLI's machinery.
    from hub_delivery import commands

    commands.register_cli(cli)
