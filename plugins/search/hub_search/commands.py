"""``hub search reindex``: rebuild the index aside and swap it in, with a progress bar."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeElapsedColumn

from hub import run_in_database
from hub_search.indexer import reindex

if TYPE_CHECKING:
    from hub_search.engine import SearchEngine

err_console = Console(stderr=True)


class RichReindexProgress:
    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def start(self, type_name: str, total: int) -> None:
        self.task = self.progress.add_task(f"indexing {type_name}", total=total)

    def advance(self, amount: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, amount)


def register(cli: typer.Typer, engine: SearchEngine) -> None:
    search_cli = typer.Typer(help="Full-text search.", no_args_is_help=True)

    @search_cli.command("reindex")
    def reindex_command() -> None:
        """Rebuild the search index aside, then swap it in: search stays online throughout."""

        async def run() -> dict[str, int]:
            columns = (
                "{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
            )  # fmt: skip
            with Progress(*columns, console=err_console) as progress:
                return await reindex(engine.searchables(), RichReindexProgress(progress))

        started = time.perf_counter()
        indexed = run_in_database(run)
        summary = ", ".join(f"{count} {name}" for name, count in indexed.items())
        err_console.print(
            f"Indexed {summary} in {time.perf_counter() - started:.1f}s.", highlight=False
        )

    cli.add_typer(search_cli, name="search")
