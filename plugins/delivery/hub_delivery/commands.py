"""``hub queries``: the operations the allow-list lets run, from the command line."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table
from tortoise import Tortoise
from tortoise.exceptions import ConfigurationError, DBConnectionError, OperationalError

from hub import Settings, served_schema
from hub_delivery.models import RegisteredQuery
from hub_delivery.registration import check_against_schema, operation_names, register

console = Console()
err_console = Console(stderr=True)
queries_cli = typer.Typer(
    help="Registered GraphQL operations (persisted queries, the allow-list).",
    no_args_is_help=True,
)
T = TypeVar("T")
MODEL_APPS = {
    "hub": "hub.content.models",
    "access": "hub.access.models",
    "delivery": "hub_delivery.models",
}


def _tortoise_config(settings: Settings) -> dict[str, Any]:
    # Only this plugin's tables are touched; the core's models are loaded because partner
    # policies point at API tokens (which point at accounts, which point at people).
    url = settings.database_url
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    return {
        "connections": {"default": url},
        "apps": {
            label: {"models": [module], "default_connection": "default"}
            for label, module in MODEL_APPS.items()
        },
        "use_tz": True,
        "timezone": "UTC",
    }


def in_database(work: Callable[[], Awaitable[T]]) -> T:
    async def run() -> T:
        await Tortoise.init(config=_tortoise_config(Settings.from_env()))
        try:
            return await work()
        finally:
            await Tortoise.close_connections()

    try:
        return asyncio.run(run())
    except (ConfigurationError, DBConnectionError, OperationalError, OSError) as error:
        err_console.print(
            f"[red]error:[/] {error} (did you run `hub migrate`?)", highlight=False, soft_wrap=True
        )
        raise typer.Exit(1) from None


@queries_cli.command("register")
def register_command(
    files: Annotated[list[Path], typer.Argument(help="GraphQL documents, one operation set each.")],
) -> None:
    """Register operations: print the sha256Hash clients send for each."""
    documents: list[tuple[str, str]] = []
    for file in files:
        try:
            documents.append((file.read_text(encoding="utf-8"), str(file)))
        except (OSError, UnicodeDecodeError) as error:
            err_console.print(f"[red]error:[/] cannot read {file}: {error}", highlight=False)
            raise typer.Exit(1) from None
    schema = served_schema()
    for document, source in documents:
        operation_names(document, source)
        check_against_schema(schema, document, source)

    async def work() -> None:
        for document, source in documents:
            registration = await register(document, source)
            state = "registered" if registration.created else "already registered"
            names = ", ".join(name or "(anonymous)" for name in registration.operation_names)
            console.print(f"{registration.sha256}  {source}  {names}  {state}", highlight=False)

    in_database(work)


@queries_cli.command("list")
def list_command() -> None:
    """List registered operations."""

    async def work() -> list[RegisteredQuery]:
        return await RegisteredQuery.all().order_by("registered_at")

    table = Table("sha256Hash", "operations", "registered")
    for query in in_database(work):
        table.add_row(query.sha256, query.operation_names, query.registered_at.isoformat())
    console.print(table)


def register_cli(cli: typer.Typer) -> None:
    # Imported here: the partners commands build on this module's database helper.
    from hub_delivery.partner_commands import partners_cli

    cli.add_typer(queries_cli, name="queries")
    cli.add_typer(partners_cli, name="partners")
