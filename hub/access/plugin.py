"""Accounts, API tokens, field permissions, the audit log and preview links, as a default plugin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pluggy
from starlette.middleware import Middleware

from hub.access import hookspecs, schema, scopes, secret
from hub.access.middleware import ACTOR_STATE_KEY, BearerTokenAuthentication
from hub.hookimpl import hookimpl
from hub.models import ModelApp
from hub.settings import Setting, Settings

if TYPE_CHECKING:
    import typer
    from starlette.applications import Starlette
    from starlette.requests import Request


@hookimpl
def add_hookspecs(plugin_manager: pluggy.PluginManager) -> None:
    if not hasattr(plugin_manager.hook, "register_scopes"):
        plugin_manager.add_hookspecs(hookspecs)


@hookimpl
def register_scopes() -> Sequence[scopes.Scope]:
    return scopes.CORE_SCOPES


@hookimpl
def register_settings() -> Sequence[Setting[Any]]:
    return secret.SETTINGS


@hookimpl
def register_models() -> Sequence[ModelApp]:
    return [ModelApp(label="access", modules=("hub.access.models",))]


@hookimpl
def register_queries() -> Sequence[type]:
    return [schema.AccessQueries]


@hookimpl
def register_mutations() -> Sequence[type]:
    return [schema.AccessMutations]


@hookimpl
def register_middleware() -> Sequence[Middleware]:
    return [Middleware(BearerTokenAuthentication)]


@hookimpl
def actor_from_request(request: Request) -> Any:
    # The middleware has checked the token already; a request without one has no opinion here.
    return getattr(request.state, ACTOR_STATE_KEY, None)


@hookimpl
def startup(app: Starlette, settings: Settings) -> None:
    secret.warn_when_missing(settings)


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    # Imported here so serving the API never loads the CLI's machinery.
    from hub.access import commands

    commands.register(cli)
