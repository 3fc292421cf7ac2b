# mypy: disable-error-code="empty-body"
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
    from strawberry.types.scalar import ScalarDefinition

    from hub.content.content_type import ContentType
    from hub.content.imported_media import ImportedMedia
    from hub.events import ContentEvent
    from hub.graphql.context import LoaderFactory
    from hub.graphql.field_resolvers import FieldResolver
    from hub.models import ModelApp
    from hub.plugin_info import PluginMetadata
    from hub.settings import Setting, Settings

hookspec = pluggy.HookspecMarker("hub")


@hookspec(historic=True)
def add_hookspecs(plugin_manager: pluggy.PluginManager) -> None:
    """Publish hookspecs of your own, so other plugins can extend yours.

    Call ``plugin_manager.add_hookspecs(my_hookspecs_module)``. It is called for every plugin
    whenever it registers, so implementations registered earlier are matched too. The donations
    plugin uses this to let payment providers be plugins of their own.
    """


@hookspec
def plugin_metadata() -> PluginMetadata:
    """Say which hub versions your plugin supports and which plugins it needs.

    Return ``PluginMetadata(hub=">=0.1,<0.2", requires=("events",))``. A hub outside the range,
    or a required plugin that is missing or disabled, stops start-up with one line naming your
    plugin. Without this hook, the ``hub-core`` range your distribution requires is checked.
    ``description`` and ``homepage`` default to your distribution's metadata.
    """


@hookspec
def register_settings() -> Sequence[Setting[Any]]:
    """Declare the environment variables your plugin reads.

    Return ``Setting(name, type, default, help, validate)`` objects; names start with ``HUB_``
    and your plugin's name. Values are read once at start-up and available everywhere as
    ``settings.value(MY_SETTING)``, typed as the ``Setting`` declares (``settings.get(name)``
    for the untyped value); a bad value stops start-up with a message naming it.
    """


@hookspec
def register_models(settings: Settings) -> Sequence[ModelApp]:
    """Declare your Tortoise models: ``ModelApp(label="myplugin", modules=("pkg.models",))``.

    One app label per plugin, with tables prefixed by it. Migrations live in ``pkg.migrations``;
    write them with ``hub makemigrations myplugin``; ``hub migrate`` applies them with the core's.
    Point at core tables with ``ForeignKeyField("hub.Section", ...)``.
    """


@hookspec
def register_content_types(settings: Settings) -> Sequence[ContentType]:
    """Declare your content types: ``[ContentType("Petition", plural="petitions", ...)]``.

    One declaration per type (``docs/content-types.md``) tells the hub its fields, limits and
    links; from it the hub derives the Tortoise model (``Petition = hub.model_for(PETITION,
    app="petitions")`` in your models module), validation, import and export records and the
    rest. Type
    names and plurals are unique across plugins, and a ``foreign_key``/``links`` target must be
    a declared type (the core's ``Section``, ``Person``, ``Theme``, ``Post`` or a plugin's).
    """


@hookspec
def register_types(settings: Settings) -> Sequence[type]:
    """Add GraphQL types that other plugins may extend by name.

    Return ``@strawberry.type`` classes. Refer to them elsewhere lazily with ``hub.ref("Name")``:
    the class in the schema is composed at start-up with every extension registered for it.
    """


@hookspec
def register_scalars(settings: Settings) -> Mapping[object, ScalarDefinition]:
    """Add custom scalars: ``{MinorUnits: strawberry.scalar(name="MinorUnits", ...)}``.

    The key is the Python type fields are annotated with, usually a ``typing.NewType``
    (``MinorUnits = NewType("MinorUnits", int)``): type checkers see the type it wraps, and the
    schema serves the scalar ``strawberry.scalar(name=..., serialize=..., parse_value=...)``
    describes. A scalar for a type another plugin maps, or named like a type another plugin
    registers, stops start-up with a message naming both plugins; so does a scalar named like a
    built-in one (``DateTime``, ``ID``, ...).
    """


@hookspec
def register_type_extensions(settings: Settings) -> Mapping[str, Sequence[type]]:
    """Add fields to existing types: ``{"Section": [SectionLocation]}``.

    Each class is a ``@strawberry.type`` holding resolver fields only; in a resolver, ``self`` is
    the object being resolved and ``self.id`` its primary key. Load data through a DataLoader
    from ``info.context.loaders`` so a list of 100 sections costs one query, not 100. A field
    name another plugin already uses stops start-up with a message naming both plugins.
    """


@hookspec
def register_field_resolvers(settings: Settings) -> Mapping[str, Mapping[str, FieldResolver]]:
    """Answer a stored field another plugin declares: ``{"Person": {"photoUrl": resolve}}``.

    The field keeps its name, type, description and deprecation (the schema does not change);
    only its value is yours. It is called as ``resolve(root, info, stored)``, ``stored`` being
    what the field answers without you (fall back to it), and may return an awaitable: load
    through a DataLoader, so a list of 20 objects costs one statement. Only fields without a
    resolver or arguments of their own can be answered. Two plugins answering one field, or a
    type or field that does not exist, stops start-up with a message naming them.
    """


@hookspec
def register_queries(settings: Settings) -> Sequence[type]:
    """Add top-level ``Query`` fields: ``@strawberry.type`` classes whose fields are merged in."""


@hookspec
def register_mutations(settings: Settings) -> Sequence[type]:
    """Add top-level ``Mutation`` fields: ``@strawberry.type`` classes, their fields merged in."""


@hookspec
def register_subscriptions(settings: Settings) -> Sequence[type]:
    """Add top-level ``Subscription`` fields: async generators, served over graphql-transport-ws."""


@hookspec
def register_dataloaders(settings: Settings) -> Mapping[str, LoaderFactory]:
    """Add per-request DataLoaders: ``{"myplugin_by_section": factory}``.

    ``factory(context)`` returns a ``strawberry.dataloader.DataLoader``; it is created on first use
    in each request (so caches never leak between users) and reached as
    ``info.context.loaders["myplugin_by_section"]``. Prefix names with your plugin's name.
    An HTTP request's loaders are dropped once its response is sent: keep nothing of them.

    Loaders usually asked together can share one statement: their batch functions call
    ``context.loaders.shared("myplugin_links", lambda: CombinedCalls(fetch)).load(part, keys)``
    (``hub.graphql.combined``), and ``fetch`` gets every part asked in the same loop turn.
    """


@hookspec
def register_schema_extensions(
    settings: Settings,
) -> Sequence[type[SchemaExtension] | Callable[[], SchemaExtension]]:
    """Add Strawberry schema extensions (validation rules, tracing): classes or factories."""


@hookspec
def register_routes(settings: Settings) -> Sequence[BaseRoute]:
    """Add Starlette routes, all under a path prefix your plugin owns (``/map/...``).

    A path another plugin (or the core's ``/graphql``) already serves stops start-up.
    """


@hookspec
def register_middleware(settings: Settings) -> Sequence[Middleware]:
    """Add Starlette ``Middleware(...)`` around the whole application, in registration order."""


@hookspec
def register_commands(cli: typer.Typer) -> None:
    """Add sub-commands to ``hub``: decorate functions with ``@cli.command()``, or ``add_typer``.

    Inside a command, ``hub.command_settings()`` is the hub's settings (the core's and every
    loaded plugin's), ``hub.run_in_database(work)`` runs ``async def work()`` with the hub's
    database open (``async with hub.command_database():`` inside a coroutine), refusing one
    that lacks migrations, and ``hub.command_context().plugin_manager`` calls other hooks.
    A problem the user can fix is ``raise hub.CommandError(message)``: one line, exit code 1.
    """


@hookspec
def startup(app: Starlette, settings: Settings) -> Awaitable[None] | None:
    """Run code when the server starts, after the database is open; may be async."""


@hookspec
def shutdown(app: Starlette, settings: Settings) -> Awaitable[None] | None:
    """Run code when the server stops, before the database closes; may be async."""


@hookspec
def readiness_checks(
    app: Starlette, settings: Settings
) -> Mapping[str, Callable[[], Awaitable[str | None]]]:
    """Say what must work before this process takes traffic: ``{"redis": check}``.

    Asked once at start-up. ``/readyz`` awaits every check on each call (with a time limit):
    a check returns None when ready, or a short reason ("connection refused"), or raises. Any
    reason answers 503 with a JSON body naming the check. The core checks ``database`` and
    ``migrations``. Checks of the same name from several plugins (two that share a Redis) are
    one entry in the answer, ready only when all of them are.
    """


@hookspec
def load_demo_content(settings: Settings) -> Awaitable[None] | None:
    """Add your plugin's demo data when ``hub demo`` runs, after the core's; may be async.

    Make it idempotent (upsert by slug): ``hub demo`` may run on a database that has it already.
    """


@hookspec
def import_media(
    media: Sequence[ImportedMedia], plugin_manager: pluggy.PluginManager, settings: Settings
) -> Awaitable[Sequence[str]] | Sequence[str] | None:
    """Add files an import found (a WordPress export's attachments) to your media library.

    Called after the imported content committed, so ``featured_on`` names posts that exist.
    Match what you already have, so importing again adds nothing; return one line per file
    refused or matched, for the report; may be async.
    """


@hookspec(firstresult=True)
def actor_from_request(
    request: Request, settings: Settings
) -> Callable[[], Awaitable[Any]] | Any | None:
    """Say who is asking: return an actor, an awaitable of one, or None for "no opinion".

    The first plugin to answer wins. An actor has ``has_scope(scope) -> bool``; anonymous
    requests have none.
    """


@hookspec
def cors_origin_allowed(
    origin: str, request: Request, settings: Settings
) -> Awaitable[bool | None] | bool | None:
    """Let web pages at ``origin`` read the hub's answers (CORS), beyond ``HUB_CORS_ORIGINS``.

    Return True to allow, or None for "no opinion"; may be async. It is asked for preflights
    too, which carry no token, so answer for the origin, not for the caller. Origins listed in
    ``HUB_CORS_ORIGINS`` are allowed without asking. The hub echoes the exact origin, adds
    ``Vary: Origin``, and never allows credentials (tokens are bearer headers). Public reads
    (anonymous GETs and queries, ``HUB_CORS_PUBLIC_READS``) are open to every origin with
    ``*`` without asking this hook: it decides for requests with a token and for mutations.
    """


@hookspec(firstresult=True)
def public_url(type_name: str, slug: str, settings: Settings) -> str | None:
    """The address of an object's page on the organisation's public site, or None.

    ``type_name`` is a declared type's name (``Post``), ``slug`` the object's current slug.
    The first plugin to answer wins; answer None for types whose pages you do not know. The
    core serves it as ``Post.seo.canonicalUrl`` when a post sets no canonical URL of its own;
    the delivery plugin answers from ``HUB_DELIVERY_POST_URL`` and its sibling settings.
    Called for each post asked for, synchronously: compute it, never read the database.
    """


@hookspec
def publication_problems(
    posts: Sequence[Mapping[str, Any]],
) -> Awaitable[Sequence[tuple[int, str, str]]] | Sequence[tuple[int, str, str]] | None:
    """Say why posts cannot be published (or scheduled) as they are; may be async.

    ``posts`` are the posts about to become public: mappings with ``id`` (None for a post an
    import creates), ``slug`` and ``body`` (sanitised HTML). Answer ``(index, field, message)``
    for each problem, ``index`` into ``posts`` and ``field`` as clients name it
    (``featuredImage``, ``body``). ``publishPost`` and ``schedulePost`` answer them as payload
    errors and change nothing; an import reports them with the other problems of its file and
    writes nothing. An update of a public (published or scheduled) post asks with the post
    before and after it (two mappings, one id) and refuses, the same way, what only the second
    has. Called inside the transaction, so read what the change will see.
    """


@hookspec
def content_event(
    event: ContentEvent, plugin_manager: pluggy.PluginManager
) -> Awaitable[None] | None:
    """React to a committed change of content: ``event.kind`` is ``<type>.<action>``
    (``post.published``, ``event.changed``, ``petition.signed``), for any declared type.

    Called after the transaction committed; may be async. A handler that raises is logged with
    your plugin's name and never undoes the change or stops the other plugins' handlers.
    Changes committed by another process (a worker, a CLI command) arrive too, with
    ``event.remote`` true: skip them when you write shared state (a row, an index, a webhook),
    which that process's handlers did; react when you keep state in this process (a cache).
    A handler that changes content of its own tells it in turn, after its commit:
    ``await hub.dispatch_content_events(plugin_manager, [...])``.
    """


@hookspec
def content_events(
    events: Sequence[ContentEvent], plugin_manager: pluggy.PluginManager
) -> Awaitable[None] | None:
    """React to committed changes in batches, instead of one ``content_event`` call per change.

    Implement it when handling many at once is cheaper (a search index, a CDN purge). An import
    of 100,000 posts arrives as calls of at most 1,000 events, in commit order.
    Failures are logged with your plugin's name, as for ``content_event``. A batch holds only
    this process's changes or only another process's (``remote``), as for ``content_event``.
    """


@hookspec
def content_events_listening(listening: bool) -> Awaitable[None] | None:
    """This server process stopped (``False``) or started again (``True``) hearing the content
    events other processes publish (their transport, Redis or PostgreSQL, went away or came back).

    Called only in servers whose events cross processes (``HUB_REDIS_URL``, or PostgreSQL),
    from start-up on (``False`` when it cannot listen by then); may be async. What other
    processes commit while ``listening`` is false never reaches ``content_event``: a cache kept
    in this process should forget everything at both calls and keep nothing in between (the
    hub's response cache answers uncached meanwhile). Failures are logged with your plugin's name.
    """
