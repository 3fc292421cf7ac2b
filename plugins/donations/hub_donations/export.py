"""``hub donations export``: every donation as CSV, straight from the database (no server)."""

from __future__ import annotations

import csv
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from hub import CommandError, run_in_database
from hub_donations.currency import major_units
from hub_donations.models import Campaign, Donation

err_console = Console(stderr=True)

BATCH = 500
COLUMNS = (
    "reference", "campaign", "provider", "status", "amount", "refunded", "currency",
    "donor_name", "donor_email", "anonymous", "message", "recurring", "created_at",
    "succeeded_at",
)  # fmt: skip
FIELDS = (
    "id", "provider_reference", "campaign__slug", "provider", "status", "amount",
    "refunded_amount", "currency", "donor_name", "donor_email", "anonymous", "message",
    "recurring", "created_at", "succeeded_at",
)  # fmt: skip


def csv_row(row: dict[str, Any]) -> list[str]:
    """Amounts in major units as exact decimals ("10.50"): what a spreadsheet should read."""
    return [
        row["provider_reference"],
        row["campaign__slug"],
        row["provider"],
        str(row["status"]),
        str(major_units(row["amount"], row["currency"])),
        str(major_units(row["refunded_amount"], row["currency"])),
        row["currency"],
        row["donor_name"],
        row["donor_email"],
        "yes" if row["anonymous"] else "no",
        row["message"],
        str(row["recurring"]),
        row["created_at"].isoformat(),
        row["succeeded_at"].isoformat() if row["succeeded_at"] else "",
    ]


async def donation_rows(campaign: str | None) -> tuple[int, AsyncIterator[dict[str, Any]]]:
    queryset = Donation.all()
    if campaign is not None:
        queryset = queryset.filter(campaign__slug=campaign)
    total = await queryset.count()

    async def rows() -> AsyncIterator[dict[str, Any]]:
        last_id = 0
        while True:
            # Keyset batches: memory stays flat however many donations there are.
            batch = (
                await queryset.filter(id__gt=last_id).order_by("id").limit(BATCH).values(*FIELDS)
            )
            for row in batch:
                yield row
            if len(batch) < BATCH:
                return
            last_id = batch[-1]["id"]

    return total, rows()


async def write_csv(target: IO[str], campaign: str | None, progress: Progress) -> int:
    if campaign is not None and not await Campaign.filter(slug=campaign).exists():
        raise CommandError(f"no campaign has the slug {campaign!r}")
    total, rows = await donation_rows(campaign)
    task = progress.add_task("exporting donations", total=total)
    writer = csv.writer(target)
    writer.writerow(COLUMNS)
    written = 0
    async for row in rows:
        writer.writerow(csv_row(row))
        written += 1
        progress.advance(task)
    return written


def register(cli: typer.Typer) -> None:
    donations_cli = typer.Typer(help="Donations and campaigns.", no_args_is_help=True)

    @donations_cli.command("export")
    def export_command(
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="CSV file to write (default: stdout).")
        ] = None,
        campaign: Annotated[
            str | None, typer.Option(help="Only this campaign's donations (its slug).")
        ] = None,
    ) -> None:
        """Write every donation, with the donors' personal data, as CSV (UTF-8, header row)."""

        def export_to(target: IO[str]) -> int:
            async def work() -> int:
                columns = (
                    "{task.description}",
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                )
                with Progress(*columns, console=err_console) as progress:
                    return await write_csv(target, campaign, progress)

            return run_in_database(work)

        if output is None:
            written = export_to(sys.stdout)
        else:
            with output.open("w", encoding="utf-8", newline="") as file:
                written = export_to(file)
        where = f" to {output}" if output is not None else ""
        err_console.print(f"Exported {written} donation(s){where}.", highlight=False)

    cli.add_typer(donations_cli, name="donations")
