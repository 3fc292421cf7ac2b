"""The plugin contract: every hook a plugin may implement.

Each hook's docstring is its documentation; ``docs/plugins.md`` is generated from them.
A plugin implements a hook by defining a function of the same name decorated with
``@hub.hookimpl``, accepting any subset of the arguments named here.
Hooks that return lists are called on every plugin and their answers concatenated, in
registration order (core first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping, Sequence

    import typer
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.requests import Request
    from starlette.routing import BaseRoute
    from strawberry.extensions import SchemaExtension

    from hub.events import ContentEvent
    from hub.graphql.context import LoaderFactory
    from hub.models import ModelApp
    from hub.settings import Setting, Settings

hookspec = pluggy.HookspecMarker("hub")


@hookspec(historic=True)
def add_hookspecs(plugin_manager: pluggy.PluginManager) -> None:
    """Publish hookspecs of your own for other plugins: ``plugin_manager.add_hookspecs(module)``."""


@hookspec
def register_settings() -> Sequence[Setting[Any]]:
    """Declare the environment variables your plugin reads (name, type, default, validation)."""
    raise NotImplementedError


@hookspec
def register_models(settings: Settings) -> Sequence[ModelApp]:
    """Declare Tortoise model apps: one app label per plugin, with its models and migrations."""
    raise NotImplementedError


@hookspec
def register_types(settings: Settings) -> Sequence[type]:
    """GraphQL types other plugins may extend by name (bodies of ``@strawberry.type`` classes)."""
    raise NotImplementedError


@hookspec
def register_type_extensions(settings: Settings) -> Mapping[str, Sequence[type]]:
    """Fields to add to existing types by name: ``{"Section": [SectionLocation]}`` (resolvers)."""
    raise NotImplementedError


@hookspec
def register_queries(settings: Settings) -> Sequence[type]:
    """``@strawberry.type`` classes whose fields are added to the root ``Query``."""
    raise NotImplementedError


@hookspec
def register_mutations(settings: Settings) -> Sequence[type]:
    """``@strawberry.type`` classes whose fields are added to the root ``Mutation``."""
    raise NotImplementedError


@hookspec
def register_subscriptions(settings: Settings) -> Sequence[type]:
    """``@strawberry.type`` classes whose fields are added to the root ``Subscription``."""
    raise NotImplementedError


@hookspec
def register_dataloaders(settings: Settings) -> Mapping[str, LoaderFactory]:
    """Per-request DataLoader factories by name: ``{"section_location": make_loader}``."""
    raise NotImplementedError


@hookspec
def register_schema_extensions(
    settings: Settings,
) -> Sequence[type[SchemaExtension] | Callable[[], SchemaExtension]]:
    """Strawberry schema extensions (validation rules, tracing, limits)."""
    raise NotImplementedError


@hookspec
def register_routes(settings: Settings) -> Sequence[BaseRoute]:
    """Starlette routes, each under a path prefix the plugin owns (``/map/...``)."""
    raise NotImplementedError


@hookspec
def register_middleware(settings: Settings) -> Sequence[Middleware]:
    """Starlette middleware, wrapped around the whole application in registration order."""
    raise NotImplementedError


@hookspec
def register_commands(cli: typer.Typer) -> None:
    """Add sub-commands to the ``hub`` command line (``@cli.command()`` or ``cli.add_typer``)."""


@hookspec
def startup(app: Starlette, settings: Settings) -> Awaitable[None] | None:
    """Run when the server starts, after the database is open; may be async."""


@hookspec
def shutdown(app: Starlette, settings: Settings) -> Awaitable[None] | None:
    """Run when the server stops, before the database closes; may be async."""


@hookspec
def load_demo_content(settings: Settings) -> Awaitable[None] | None:
    """Add your plugin's demo data when ``hub demo`` runs, after the core's; may be async."""


@hookspec(firstresult=True)
def actor_from_request(
    request: Request, settings: Settings
) -> Callable[[], Awaitable[Any]] | Any | None:
    """Who is asking: return an actor (or an awaitable of one) for the request, or None."""


@hookspec
def content_event(event: ContentEvent) -> Awaitable[None] | None:
    """React after a change to content was committed; failures are logged, never rolled back."""
