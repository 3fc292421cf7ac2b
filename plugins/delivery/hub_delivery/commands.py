"""``hub queries``: the operations the allow-list lets run, from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from hub import CommandError, run_in_database, served_schema
from hub_delivery.models import RegisteredQuery
from hub_delivery.registration import check_against_schema, operation_names, register

queries_cli = typer.Typer(
    help="Registered GraphQL operations (persisted queries, the allow-list).",
    no_args_is_help=True,
)


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
            raise CommandError(f"cannot read {file}: {error}") from None
    schema = served_schema()
    for document, source in documents:
        operation_names(document, source)
        check_against_schema(schema, document, source)

    async def work() -> None:
        console = Console()  # made when the command runs: it reads the terminal's width then
        for document, source in documents:
            registration = await register(document, source)
            state = "registered" if registration.created else "already registered"
            names = ", ".join(name or "(anonymous)" for name in registration.operation_names)
            console.print(f"{registration.sha256}  {source}  {names}  {state}", highlight=False)

    run_in_database(work)


@queries_cli.command("list")
def list_command() -> None:
    """List registered operations."""

    async def work() -> list[RegisteredQuery]:
        return await RegisteredQuery.all().order_by("registered_at")

    table = Table("sha256Hash", "operations", "registered")
    for query in run_in_database(work):
        table.add_row(query.sha256, query.operation_names, query.registered_at.isoformat())
    Console().print(table)


def register_cli(cli: typer.Typer) -> None:
    from hub_delivery.partner_commands import partners_cli

    cli.add_typer(queries_cli, name="queries")
    cli.add_typer(partners_cli, name="partners")
