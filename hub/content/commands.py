"""``hub import``, ``hub export`` and ``hub demo``: the content plugin's commands.

The commands apply nothing implicitly: when the database lacks migrations they say so and stop,
because changing a schema is a decision for ``hub migrate``, not a side effect of loading data.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeElapsedColumn

from hub.command_context import command_context, run_in_database
from hub.content.demo import DemoReport, has_posts, load_demo
from hub.content.models import Person, Post, PostAuthor, PostSection, PostTheme, Section, Theme
from hub.content.transfer import (
    ImportReport,
    InvalidContent,
    NotUtf8,
    dump_json,
    export_content,
    import_content,
    parse_json,
)
from hub.database import vacuum_analyze
from hub.errors import CommandError

err_console = Console(stderr=True)

#: The tables an import or the demo fills.
CONTENT_MODELS = (Section, Person, Theme, Post, PostAuthor, PostTheme, PostSection)


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
def rich_progress() -> Iterator[RichProgress]:
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=False) as progress:
        yield RichProgress(progress)


def _summary(report: ImportReport) -> str:
    return "; ".join(
        f"{kind}: {report.created[kind]} new, {report.updated[kind]} updated, "
        f"{report.unchanged[kind]} unchanged"
        for kind in ("sections", "people", "themes", "posts")
    )


async def settle_content_tables() -> None:
    problem = await vacuum_analyze([model._meta.db_table for model in CONTENT_MODELS])
    if problem is not None:
        err_console.print(f"[yellow]warning:[/] {escape(problem)}", highlight=False, soft_wrap=True)


def import_command(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="A JSON file.")
    ],
) -> None:
    """Import sections, people, themes and posts from a JSON file (see docs/import-format.md).

    All or nothing: one problem anywhere and nothing is written. Records are matched by slug,
    so importing the same file again changes nothing.
    """
    context = command_context()

    async def run(document: Any) -> ImportReport:
        async with context.database():
            with rich_progress() as progress:
                report = await import_content(context.plugin_manager, document, progress)
            if any(report.created.values()) or any(report.updated.values()):
                await settle_content_tables()
            return report

    try:
        document = parse_json(file.read_bytes())
    except NotUtf8 as error:
        raise CommandError(f"{file} {error}; nothing was imported.") from None
    except InvalidContent as error:
        raise CommandError(f"{file} {error.problems[0].message}; nothing was imported.") from None
    try:
        report = asyncio.run(run(document))
    except InvalidContent as error:
        err_console.print(
            f"[red]error:[/] {file} has {len(error.problems)} problem(s); nothing was imported:",
            highlight=False,
            soft_wrap=True,
        )
        for problem in error.problems:
            err_console.print(f"  {problem}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    err_console.print(f"Imported {file}: {_summary(report)}", highlight=False, soft_wrap=True)


def export_command(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Write all content in the import format, sorted by slug (round trips give the same bytes)."""

    async def run() -> bytes:
        return dump_json(await export_content())

    exported = run_in_database(run)
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(exported)
        sys.stdout.flush()
    else:
        output.write_bytes(exported)
        err_console.print(f"wrote {output}")


def demo_command(
    posts: Annotated[int, typer.Option(min=0, help="Synthetic posts to add.")] = 0,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing when any post exists.")
    ] = False,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed, the same posts.")] = 1,
) -> None:
    """Load the demo content: the seed post and people, each plugin's demo data, synthetic posts.

    Synthetic posts come only with --posts (try --posts 100000 for a realistic load).
    """
    context = command_context()

    async def run() -> DemoReport | None:
        if if_empty and await has_posts():
            return None
        with rich_progress() as progress:
            report = await load_demo(
                context.plugin_manager, context.settings, posts=posts, seed=seed, progress=progress
            )
        await settle_content_tables()
        return report

    started = time.perf_counter()
    report = context.run_in_database(run)
    if report is None:
        err_console.print("The database already has posts: no demo content loaded.")
        return
    elapsed = time.perf_counter() - started
    err_console.print(f"Seed content: {_summary(report.seed)}", highlight=False, soft_wrap=True)
    if report.synthetic is not None:
        err_console.print(
            f"Synthetic content: {_summary(report.synthetic)}", highlight=False, soft_wrap=True
        )
    err_console.print(
        f"Plugins' demo content: {', '.join(report.plugins) or 'none'}. Done in {elapsed:.1f}s."
    )


def register(cli: typer.Typer) -> None:
    cli.command("import")(import_command)
    cli.command("export")(export_command)
    cli.command("demo")(demo_command)
