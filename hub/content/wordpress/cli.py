"""The terminal side of ``hub import --from wordpress``: progress bar, notices and summary."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import typer

from hub.command_context import command_context
from hub.content.exchange import ImportReport, InvalidContent
from hub.content.import_console import err_console, rich_progress, settle_content_tables
from hub.content.registry import content_types
from hub.content.wordpress.command import import_wordpress, read_wordpress, report_document
from hub.content.wordpress.convert import ThemesFrom, WordPressImport
from hub.content.wordpress.wxr import UnreadableExport
from hub.errors import CommandError

_POST_INDEX = re.compile(r"posts\[(\d+)\]")


def _print(line: str) -> None:
    err_console.print(line, markup=False, highlight=False, soft_wrap=True)


def _with_wordpress_id(line: str, converted: WordPressImport) -> str:
    """A problem's line naming the post's WordPress id: the records are numbered in file order."""
    found = _POST_INDEX.match(line)
    if found is None:
        return line
    post = converted.imported_posts[int(found[1])]
    return f"{found[0]} (WordPress post {post.wordpress_id}){line[found.end() :]}"


def run_wordpress_import(
    file: Path, uploads: Path | None, themes_from: ThemesFrom, report_file: Path | None
) -> None:
    """Read, check and import ``file``; every problem at once, nothing written when any."""
    if uploads is not None and not uploads.is_dir():
        raise CommandError(f"--uploads {uploads} is not a folder")
    context = command_context()

    async def run(converted: WordPressImport) -> tuple[ImportReport, list[str]]:
        async with context.database():
            with rich_progress() as progress:
                answer = await import_wordpress(
                    context.plugin_manager, context.settings, converted, progress
                )
            if any(answer[0].created.values()) or any(answer[0].updated.values()):
                await settle_content_tables(content_types(context.plugin_manager, context.settings))
            return answer

    try:
        with rich_progress() as progress:
            converted = read_wordpress(file, themes_from, uploads, progress)
        report, media_lines = asyncio.run(run(converted))
    except UnreadableExport as error:
        raise CommandError(f"{file} {error}; nothing was imported.") from None
    except InvalidContent as error:
        _print(f"error: {file} has {len(error.problems)} problem(s); nothing was imported:")
        for problem in error.problems:
            _print(f"  {_with_wordpress_id(str(problem), converted)}")
        raise typer.Exit(1) from None
    for notice in converted.notices:
        _print(str(notice))
    for line in media_lines:
        _print(line)
    skipped = ", ".join(f"{kind}: {count}" for kind, count in sorted(converted.skipped.items()))
    _print(
        f"Imported {file} (WXR {converted.version}): {report.summary()}; "
        f"{converted.comments} comment(s) skipped; other items skipped: {skipped or 'none'}; "
        f"{len(converted.notices)} item(s) adjusted or skipped, listed above."
    )
    if report_file is not None:
        report_file.write_bytes(report_document(converted, media_lines))
        _print(f"Wrote the report (with each post's WordPress URL) to {report_file}")
