"""What the import and demo commands print and settle: stage bars and the tables they fill.

Shared by ``hub import`` (``hub.content.commands``) and the WordPress import, which the import
command calls: a module of its own, so that neither imports the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeElapsedColumn

from hub.content.registry import ContentTypes
from hub.database import vacuum_analyze

err_console = Console(stderr=True)


class RichProgress:
    """Shows each import stage as its own bar (on stderr, so ``export`` output stays clean)."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def stage(self, description: str, total: int) -> None:
        self.task = self.progress.add_task(description, total=total)

    def advance(self, amount: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, amount)


@contextmanager
def rich_progress(*, transient: bool = False) -> Iterator[RichProgress]:
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    # A transient bar leaves nothing but a blank line where it cannot redraw (a log, a pipe).
    disable = transient and not err_console.is_terminal
    with Progress(*columns, console=err_console, transient=transient, disable=disable) as progress:
        yield RichProgress(progress)


def content_tables(types: ContentTypes) -> list[str]:
    """The tables an import or the demo fills: every declared type's and its link tables."""
    tables = []
    for declared in types.in_write_order:
        tables.append(declared.model._meta.db_table)
        tables.extend(link.through._meta.db_table for link in declared.links.values())
    return tables


async def settle_content_tables(types: ContentTypes) -> None:
    problem = await vacuum_analyze(content_tables(types))
    if problem is not None:
        err_console.print(f"[yellow]warning:[/] {escape(problem)}", highlight=False, soft_wrap=True)
