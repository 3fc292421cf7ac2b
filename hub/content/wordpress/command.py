"""``hub import --from wordpress site.xml``: a WordPress export through the ordinary import.

The export is read and converted first (:mod:`hub.content.wordpress.wxr`, ``convert``); its
records then go through :func:`hub.content.transfer.import_content`, the same validation and
the same single transaction as a JSON file's, so nothing is written when anything is wrong.
Attachments go to whichever plugin implements ``import_media``, after the content committed.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson
import pluggy

from hub.content.exchange import ImportProgress, ImportReport
from hub.content.imported_media import ImportedMedia
from hub.content.transfer import import_content
from hub.content.wordpress.convert import ThemesFrom, WordPressImport, convert
from hub.content.wordpress.wxr import read_export
from hub.hookcalls import plugin_calls
from hub.settings import Settings


def read_wordpress(
    path: Path, themes_from: ThemesFrom, uploads: Path | None, progress: ImportProgress
) -> WordPressImport:
    """The export at ``path`` converted; :class:`UnreadableExport` when it cannot be read."""
    progress.stage(f"Reading {path.name}", path.stat().st_size)
    with path.open("rb") as source:
        return convert(read_export(source, progress.advance), themes_from, uploads)


async def import_media(
    pm: pluggy.PluginManager, settings: Settings, media: Sequence[ImportedMedia]
) -> list[str]:
    """Hand ``media`` to the plugins that keep media; the lines they report, or why not."""
    if not media:
        return []
    lines: list[str] = []
    answered = False
    for _, answer in plugin_calls(
        pm, "import_media", media=list(media), plugin_manager=pm, settings=settings
    ):
        answered = True
        if inspect.isawaitable(answer):
            answer = await answer
        lines.extend(answer)
    if not answered:
        lines.extend(
            f"{item.source}: not imported, no media plugin is installed ({item.url or item.file})"
            for item in media
        )
    return lines


async def import_wordpress(
    pm: pluggy.PluginManager,
    settings: Settings,
    converted: WordPressImport,
    progress: ImportProgress,
) -> tuple[ImportReport, list[str]]:
    """Import the records (all or nothing), then the media; the database must be open."""
    report = await import_content(pm, converted.document(), progress)
    return report, await import_media(pm, settings, converted.media)


def report_document(converted: WordPressImport, media_lines: Sequence[str]) -> bytes:
    """The ``--report`` file: every notice, and each post's WordPress URL (for redirects)."""
    document: dict[str, Any] = {
        "wxr_version": converted.version,
        "comments_skipped": converted.comments,
        "items_skipped": dict(sorted(converted.skipped.items())),
        "notices": [
            {"kind": n.kind, "wordpress_id": n.wordpress_id, "message": n.message}
            for n in converted.notices
        ],
        "media": list(media_lines),
        "posts": [
            {"wordpress_id": p.wordpress_id, "link": p.link, "slug": p.slug}
            for p in converted.imported_posts
        ],
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"
