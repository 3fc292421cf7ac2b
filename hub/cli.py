"""The ``hub`` command line. Plugins add sub-commands through ``register_commands``."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import orjson
import pluggy
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from typer.core import TyperGroup

from hub.app import load_settings
from hub.command_context import CommandContext, command_context, running
from hub.errors import CommandError
from hub.failures import reason_for
from hub.plugins import get_plugin_manager, iter_results
from hub.settings import Settings

console = Console()
err_console = Console(stderr=True)
#: Seconds a worker of `hub serve --workers N` has to answer uvicorn's health check.
WORKER_HEALTHCHECK_SECONDS = 60


def print_error(message: str) -> None:
    err_console.print(f"[red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)


class HubCommands(TyperGroup):
    """The ``hub`` group: a failure the user can fix ends any command, the core's or a
    plugin's, in one line and a non-zero exit code (see :mod:`hub.failures`)."""

    def invoke(self, ctx: Any) -> Any:  # typer.Context; typed loosely across typer versions
        try:
            if isinstance(ctx.obj, CommandContext):
                with running(ctx.obj):
                    return super().invoke(ctx)
            return super().invoke(ctx)
        except Exception as error:
            reason = reason_for(error)
            if reason is None:
                raise
            message, exit_code = reason
            print_error(message)
            raise typer.Exit(exit_code) from None


schema_cli = typer.Typer(help="The published GraphQL contract.", no_args_is_help=True)
plugin_cli = typer.Typer(help="Write and document plugins.", no_args_is_help=True)


@plugin_cli.command("new")
def plugin_new(
    name: Annotated[str, typer.Argument(help="Plugin name: lowercase, e.g. greetings.")],
    directory: Annotated[Path, typer.Option("--dir", help="Folder to create hub-NAME in.")] = Path(
        "."
    ),
) -> None:
    """Write an installable plugin package (model, field on Section, route, settings, tests)."""
    from hub.scaffold import write_plugin

    target = write_plugin(name, directory)
    console.print(f"Wrote {target}. Next: pip install -e {target} && python -m hub plugins")


@plugin_cli.command("docs")
def plugin_docs(
    path: Annotated[Path, typer.Option(help="The plugin guide.")] = Path("docs/plugins.md"),
    check: Annotated[bool, typer.Option(help="Fail if the reference is stale.")] = False,
) -> None:
    """Regenerate the hook reference in docs/plugins.md from the hookspec docstrings."""
    from hub.hookdocs import update, with_reference

    if not path.is_file():
        raise CommandError(
            f"{path} does not exist: run `hub plugin docs` at the root of the hub's repository "
            "(it rewrites the hook reference in docs/plugins.md), or give the guide with --path"
        )
    if check:
        current = path.read_text(encoding="utf-8")
        if with_reference(current) != current:
            err_console.print(f"{path} is stale: run `hub plugin docs`")
            raise typer.Exit(1)
        return
    console.print(f"{path}: {'updated' if update(path) else 'already up to date'}")


def build_cli(
    settings: Settings | None = None, pm: pluggy.PluginManager | None = None
) -> typer.Typer:
    """The CLI with every loaded plugin's commands; settings errors end in one clear line.

    Settings and plugins come from the environment unless given (``hub.testing.hub_cli`` gives
    them). Every command runs with one :class:`~hub.command_context.CommandContext` (these
    settings, this plugin manager) as typer's context object: ``hub.command_context()`` reads it.
    """
    if settings is None or pm is None:
        settings, pm = load_current()
    else:
        settings = load_settings(pm, settings)
    cli = typer.Typer(
        help="hub: a GraphQL content hub for advocacy organisations.",
        cls=HubCommands,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        context_settings={"obj": CommandContext(settings, pm)},
    )

    @cli.command()
    def serve(
        host: Annotated[str | None, typer.Option(help="Address (default HUB_HOST).")] = None,
        port: Annotated[int | None, typer.Option(help="Port (default HUB_PORT).")] = None,
        reload: Annotated[bool, typer.Option(help="Restart on code changes.")] = False,
        workers: Annotated[
            int, typer.Option(min=1, help="Worker processes sharing the port (uvicorn's manager).")
        ] = 1,
    ) -> None:
        """Serve the API with uvicorn (GraphiQL at /graphql)."""
        import uvicorn

        from hub.app import create_app
        from hub.database import check_database
        from hub.fanout import serving, transport_for
        from hub.ops.logs import logging_config
        from hub.ops.settings import log_format_from

        settings, pm = current()
        if workers > 1 and reload:
            raise typer.BadParameter("--reload restarts one process: leave out --workers")
        if workers > 1 and transport_for(settings) is None:
            # Each worker would keep answers another one made stale, for their whole max-age.
            raise typer.BadParameter(
                "several workers need to hear each other's changes: set HUB_REDIS_URL or use a "
                "PostgreSQL database (HUB_DATABASE_URL), and HUB_EVENTS_TRANSPORT other than off"
            )
        # Settings, plugins and the database are checked here, where a problem is one line;
        # inside uvicorn it would be a traceback in the server's log.
        app = create_app(settings, serving(pm))
        asyncio.run(check_database(pm, settings))
        # uvicorn's reloader and process manager import the app in each process they start.
        in_each_process = reload or workers > 1
        uvicorn.run(
            "hub.app:create_app" if in_each_process else app,
            factory=in_each_process,
            host=host or settings.host,
            port=port or settings.port,
            reload=reload,
            workers=workers,
            # uvicorn replaces a worker that has not answered its health check within this
            # time, starting up included: at its default 5 s, a loaded machine importing the
            # hub in each new worker replaced them all forever. A killed worker is replaced at
            # once whatever this is (its process is gone).
            timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
            log_level="debug" if settings.debug else "info",
            log_config=logging_config(
                log_format_from(os.environ), "DEBUG" if settings.debug else "INFO"
            ),
        )

    @cli.command()
    def migrate() -> None:
        """Apply the core's and every plugin's pending database migrations."""
        from hub.database import apply_migrations

        settings, pm = current()

        def progress(event: str, app_label: str, name: str) -> None:
            if event == "apply_done":
                console.print(f"  applied [cyan]{app_label}.{name}[/]")

        asyncio.run(apply_migrations(pm, settings, progress))
        console.print("[green]Database is up to date.[/]")

    @cli.command()
    def makemigrations(
        app_labels: Annotated[
            list[str] | None, typer.Argument(help="Apps to check (default: all).")
        ] = None,
        check: Annotated[
            bool, typer.Option("--check", help="Write nothing; exit 1 if a migration is missing.")
        ] = False,
    ) -> None:
        """Write migrations for model changes (for plugin authors and core developers)."""
        from hub.database import pending_model_changes

        settings, pm = current()
        try:
            writers = asyncio.run(pending_model_changes(pm, settings, app_labels or ()))
        except ValueError as error:
            err_console.print(f"[red]error:[/] {error}")
            raise typer.Exit(1) from None
        if not writers:
            console.print("No changes: the migrations match the models.")
        if check and writers:
            labels = ", ".join(sorted({writer.app_label for writer in writers}))
            err_console.print(
                f"[red]error:[/] models changed without a migration in: {labels} "
                "(run `python -m hub makemigrations` and commit the files)",
                highlight=False,
            )
            raise typer.Exit(1)
        for writer in writers:
            console.print(f"  wrote [cyan]{writer.app_label}.{writer.name}[/] {writer.write()}")

    @cli.command()
    def plugins(
        names: Annotated[
            list[str] | None, typer.Argument(help="Only these plugins (default: all).")
        ] = None,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print JSON instead of a table.")
        ] = False,
    ) -> None:
        """List the plugins (disabled ones marked) and everything each adds."""
        from hub.inventory import plugin_inventory

        settings, pm = current()
        inventory = plugin_inventory(pm, settings, disabled=settings.plugins_disabled)
        if names:
            unknown = sorted(set(names) - {item.name for item in inventory})
            if unknown:
                known = ", ".join(item.name for item in inventory)
                err_console.print(f"[red]error:[/] no plugin {', '.join(unknown)} (known: {known})")
                raise typer.Exit(1)
            inventory = [item for item in inventory if item.name in names]
        if as_json:
            sys.stdout.write(orjson.dumps([item.as_dict() for item in inventory]).decode() + "\n")
            return
        table = Table("plugin", "version", "adds", show_lines=True)
        for item in inventory:
            about = [
                line
                for line in (
                    item.description,
                    item.homepage,
                    f"hub-core {item.hub_versions}" if item.hub_versions else None,
                    f"requires: {', '.join(item.requires)}" if item.requires else None,
                )
                if line
            ]
            adds = [
                f"{label}: {', '.join(values)}" if len(values) < 2 or label != "settings"
                else f"{label}:\n  " + "\n  ".join(values)
                for label, values in (
                    ("models", item.models),
                    ("types", item.types),
                    ("fields", item.fields),
                    ("loaders", item.loaders),
                    ("routes", item.routes),
                    ("middleware", item.middleware),
                    ("commands", item.commands),
                    ("scopes", item.scopes),
                    ("settings", item.setting_details),
                    ("hooks", item.hooks),
                )
                if values
            ]  # fmt: skip
            name = f"{item.name}\n(disabled)" if item.disabled else item.name
            table.add_row(name, item.version or "-", "\n".join([*about, *adds]))
        console.print(table)

    @schema_cli.command("export")
    def schema_export(
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
        ] = None,
    ) -> None:
        """Print (or write) the SDL of the schema the loaded plugins compose."""
        from hub.graphql.schema import build_schema, exported_sdl

        settings, pm = current()
        sdl = exported_sdl(build_schema(pm, settings).schema)
        if output is None:
            sys.stdout.write(sdl)
        else:
            output.write_text(sdl, encoding="utf-8")
            err_console.print(f"wrote {output}")

    cli.add_typer(schema_cli, name="schema")
    cli.add_typer(plugin_cli, name="plugin")
    for _ in iter_results(pm, "register_commands", cli=cli):
        pass
    return cli


def current() -> tuple[Settings, pluggy.PluginManager]:
    """The running command's settings and plugin manager."""
    context = command_context()
    return context.settings, context.plugin_manager


def load_current() -> tuple[Settings, pluggy.PluginManager]:
    """Settings from the environment and the plugins they enable; what a command commits,
    running servers hear."""
    from hub.fanout import publish_only

    settings = Settings.from_env()
    pm = get_plugin_manager(disabled=settings.plugins_disabled)
    settings = load_settings(pm, settings)
    publish_only(pm, settings)
    return settings, pm


def main() -> None:
    try:
        cli = build_cli()
    except Exception as error:  # the settings and plugins, read before any command runs
        reason = reason_for(error)
        if reason is None:
            raise
        message, exit_code = reason
        print_error(message)
        raise SystemExit(exit_code) from None
    cli()
