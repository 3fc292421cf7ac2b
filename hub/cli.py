"""The ``hub`` command line. Plugins add sub-commands through ``register_commands``."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated

import orjson
import pluggy
import typer
from rich.console import Console
from rich.table import Table

from hub.app import load_settings
from hub.errors import PluginError
from hub.plugins import get_plugin_manager, iter_results
from hub.settings import Settings, SettingsError

console = Console()
err_console = Console(stderr=True)

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
    from hub.scaffold import ScaffoldError, write_plugin

    try:
        target = write_plugin(name, directory)
    except ScaffoldError as error:
        err_console.print(f"[red]error:[/] {error}")
        raise typer.Exit(1) from None
    console.print(f"Wrote {target}. Next: pip install -e {target} && hub plugins")


@plugin_cli.command("docs")
def plugin_docs(
    path: Annotated[Path, typer.Option(help="The plugin guide.")] = Path("docs/plugins.md"),
    check: Annotated[bool, typer.Option(help="Fail if the reference is stale.")] = False,
) -> None:
    """Regenerate the hook reference in docs/plugins.md from the hookspec docstrings."""
    from hub.hookdocs import update, with_reference

    if check:
        current = path.read_text(encoding="utf-8")
        if with_reference(current) != current:
            err_console.print(f"{path} is stale: run `hub plugin docs`")
            raise typer.Exit(1)
        return
    console.print(f"{path}: {'updated' if update(path) else 'already up to date'}")


def build_cli() -> typer.Typer:
    """The CLI with every loaded plugin's commands; settings errors end in one clear line."""
    cli = typer.Typer(
        help="hub: a GraphQL content hub for advocacy organisations.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
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

        from hub.fanout import transport_for

        settings = Settings.from_env()
        if workers > 1 and reload:
            raise typer.BadParameter("--reload restarts one process: leave out --workers")
        if workers > 1 and transport_for(settings) is None:
            # Each worker would keep answers another one made stale, for their whole max-age.
            raise typer.BadParameter(
                "several workers need to hear each other's changes: set HUB_REDIS_URL or use a "
                "PostgreSQL database (HUB_DATABASE_URL), and HUB_EVENTS_TRANSPORT other than off"
            )
        uvicorn.run(
            "hub.app:create_app",
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            reload=reload,
            workers=workers,
            log_level="debug" if settings.debug else "info",
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
        for writer in writers:
            console.print(f"  wrote [cyan]{writer.app_label}.{writer.name}[/] {writer.write()}")

    @cli.command()
    def plugins(
        as_json: Annotated[
            bool, typer.Option("--json", help="Print JSON instead of a table.")
        ] = False,
    ) -> None:
        """List the loaded plugins and everything each adds."""
        from hub.inventory import plugin_inventory

        settings, pm = current()
        inventory = plugin_inventory(pm, settings)
        if as_json:
            sys.stdout.write(orjson.dumps([item.as_dict() for item in inventory]).decode() + "\n")
            return
        table = Table("plugin", "version", "adds", show_lines=True)
        for item in inventory:
            adds = [
                f"{label}: {', '.join(values)}"
                for label, values in (
                    ("models", item.models),
                    ("types", item.types),
                    ("fields", item.fields),
                    ("loaders", item.loaders),
                    ("routes", item.routes),
                    ("middleware", item.middleware),
                    ("commands", item.commands),
                    ("settings", item.settings),
                    ("hooks", item.hooks),
                )
                if values
            ]
            table.add_row(item.name, item.version or "-", "\n".join(adds))
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
    _, pm = current()
    for _ in iter_results(pm, "register_commands", cli=cli):
        pass
    return cli


def current() -> tuple[Settings, pluggy.PluginManager]:
    """The settings and plugins of one command; what it commits, running servers hear."""
    from hub.fanout import publish_only

    settings = Settings.from_env()
    pm = get_plugin_manager(disabled=settings.plugins_disabled)
    settings = load_settings(pm, settings)
    publish_only(pm, settings)
    return settings, pm


def main() -> None:
    try:
        cli = build_cli()
        cli()
    except (SettingsError, PluginError) as error:
        err_console.print(f"[red]error:[/] {error}")
        raise SystemExit(2) from None
