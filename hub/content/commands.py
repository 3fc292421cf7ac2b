"""``hub import``, ``hub export`` and ``hub demo``: the content plugin's commands.

The commands apply nothing implicitly: when the database lacks migrations they say so and stop,
because changing a schema is a decision for ``hub migrate``, not a side effect of loading data.
"""

from __future__ import annotations

import asyncio
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from hub.command_context import command_context, run_in_database
from hub.content.demo import DemoReport, has_posts, load_demo
from hub.content.import_console import err_console, rich_progress, settle_content_tables
from hub.content.registry import content_types
from hub.content.transfer import (
    ImportReport,
    InvalidContent,
    NotUtf8,
    UnreadableFile,
    import_file,
    write_export,
)
from hub.content.wordpress.convert import ThemesFrom
from hub.errors import CommandError


class ImportSource(StrEnum):
    HUB = "hub"
    WORDPRESS = "wordpress"


def import_command(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="A JSON file.")
    ],
    source: Annotated[
        ImportSource, typer.Option("--from", help="The file's format.")
    ] = ImportSource.HUB,
    uploads: Annotated[
        Path | None, typer.Option(help="WordPress: the wp-content/uploads folder (media files).")
    ] = None,
    themes: Annotated[
        ThemesFrom, typer.Option(help="WordPress: what becomes themes.")
    ] = ThemesFrom.CATEGORIES,
    report_file: Annotated[
        Path | None,
        typer.Option("--report", help="WordPress: write a JSON report here (old URLs too)."),
    ] = None,
) -> None:
    """Import every declared content type's records from a JSON file (docs/import-format.md),
    or from a WordPress export with --from wordpress.

    Sections, people, themes and posts, and the types plugins declare. All or nothing: one
    problem anywhere and nothing is written. Records are matched by slug, so importing the same
    file again changes nothing. The file is read as a stream: memory does not grow with it.
    """
    if source is ImportSource.WORDPRESS:
        # Only --from wordpress needs the WordPress reader; every other command skips loading it.
        from hub.content.wordpress.cli import run_wordpress_import

        run_wordpress_import(file, uploads, themes, report_file)
        return
    context = command_context()
    types = content_types(context.plugin_manager, context.settings)

    async def run() -> ImportReport:
        async with context.database():
            # Gone when done: the summary, or the problems, are what stays on the screen.
            with rich_progress(transient=True) as progress:
                report = await import_file(context.plugin_manager, file, progress, types=types)
            if any(report.created.values()) or any(report.updated.values()):
                await settle_content_tables(types)
            return report

    try:
        report = asyncio.run(run())
    except NotUtf8 as error:
        raise CommandError(f"{file} {error}; nothing was imported.") from None
    except UnreadableFile as error:
        raise CommandError(f"{file} {error.problems[0].message}; nothing was imported.") from None
    except InvalidContent as error:
        err_console.print(
            f"[red]error:[/] {file} has {len(error.problems)} problem(s); nothing was imported:",
            highlight=False,
            soft_wrap=True,
        )
        for problem in error.problems:
            err_console.print(f"  {problem}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None
    err_console.print(f"Imported {file}: {report.summary()}", highlight=False, soft_wrap=True)


def export_command(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
) -> None:
    """Write every declared content type's records in the import format, sorted by slug.

    Sections, people, themes and posts, and the types plugins declare (events, campaigns, ...),
    in the order an import writes them; round trips give the same bytes. The file is written as
    the rows are read: memory does not grow with the content.

    Not exported: users, API tokens and the audit log (credentials and a record of who did what
    stay with their database), and what plugins keep outside declared types, such as donations
    (a payment ledger kept in step with the payment provider: `hub donations export` writes it
    as CSV), webhook subscribers and media files; the README lists them.
    """
    context = command_context()
    types = content_types(context.plugin_manager, context.settings)
    if output is None:

        async def to_stdout() -> None:
            sys.stdout.flush()
            await write_export(types, sys.stdout.buffer)
            sys.stdout.flush()

        run_in_database(to_stdout)
        return
    # Written beside the target and renamed at the end: a failed export leaves no half file.
    partial = output.with_name(f".{output.name}.partial")

    async def to_file() -> None:
        with partial.open("wb") as stream:
            await write_export(types, stream)

    try:
        run_in_database(to_file)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
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
        await settle_content_tables(content_types(context.plugin_manager, context.settings))
        return report

    started = time.perf_counter()
    report = context.run_in_database(run)
    if report is None:
        err_console.print("The database already has posts: no demo content loaded.")
        return
    elapsed = time.perf_counter() - started
    err_console.print(f"Seed content: {report.seed.summary()}", highlight=False, soft_wrap=True)
    if report.synthetic is not None:
        err_console.print(
            f"Synthetic content: {report.synthetic.summary()}", highlight=False, soft_wrap=True
        )
    err_console.print(
        f"Plugins' demo content: {', '.join(report.plugins) or 'none'}. Done in {elapsed:.1f}s."
    )


def register(cli: typer.Typer) -> None:
    cli.command("import")(import_command)
    cli.command("export")(export_command)
    cli.command("demo")(demo_command)
