"""The delivery plugin's hook implementations: everything it adds to the hub."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pluggy
from starlette.middleware import Middleware

from hub import ModelApp, Setting, Settings, hookimpl
from hub_delivery import hookspecs, settings
from hub_delivery.feeds import feed_routes
from hub_delivery.middleware import DeliveryMiddleware
from hub_delivery.oembed import oembed_routes
from hub_delivery.runtime import STATE_KEY, Delivery

if TYPE_CHECKING:
    import typer
    from starlette.applications import Starlette
    from starlette.routing import BaseRoute


@hookimpl
def add_hookspecs(plugin_manager: pluggy.PluginManager) -> None:
    if not hasattr(plugin_manager.hook, "purge_cache"):
        plugin_manager.add_hookspecs(hookspecs)


@hookimpl
def register_settings() -> Sequence[Setting[Any]]:
    return settings.DECLARED


@hookimpl
def register_models() -> Sequence[ModelApp]:
    return [ModelApp(label="delivery", modules=("hub_delivery.models",))]


@hookimpl
def register_middleware() -> Sequence[Middleware]:
    return [Middleware(DeliveryMiddleware)]


@hookimpl
def register_routes(settings: Settings) -> Sequence[BaseRoute]:
    # Feeds and oEmbed: the formats partners' tools read without GraphQL.
    return [*feed_routes(settings), *oembed_routes(settings)]


@hookimpl
def startup(app: Starlette, settings: Settings) -> None:
    hub = app.state.hub
    # The graphql-core schema Strawberry built: the document analyser reads types from it.
    delivery = Delivery(settings, hub.plugin_manager, hub.built.schema._schema)
    setattr(app.state, STATE_KEY, delivery)
    hub.plugin_manager.register(delivery, name=f"{STATE_KEY}-{id(app)}")


@hookimpl
def shutdown(app: Starlette) -> None:
    delivery = getattr(app.state, STATE_KEY, None)
    if delivery is not None:
        app.state.hub.plugin_manager.unregister(delivery)


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    # Imported here so serving the API never loads the CLI's machinery.
    from hub_delivery import commands

    commands.register_cli(cli)
