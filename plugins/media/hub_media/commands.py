"""``hub media add FILE...``: add images to the media library from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pluggy
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from hub import CommandError, Settings, command_context
from hub_media.images import RefusedImage
from hub_media.photos import PhotoReport, import_photo_urls
from hub_media.runtime import storage
from hub_media.settings import MediaSettings
from hub_media.transfer import InvalidMedia, MediaReport, export_media, import_media
from hub_media.upload import ImageDetails, ingest

err_console = Console(stderr=True)


async def add_files(
    paths: list[Path], details: ImageDetails, pm: pluggy.PluginManager, settings: Settings
) -> tuple[list[int], list[str]]:
    """The new assets' ids and one line per refused file; the database must be open."""
    media = MediaSettings.of(settings)
    store = storage(pm, settings)
    added: list[int] = []
    refused: list[str] = []
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console) as progress:
        task = progress.add_task("adding images", total=len(paths))
        for path in paths:
            try:
                asset = await ingest(path, path.name, details, store, media)
                added.append(asset.id)
            except RefusedImage as refusal:
                refused.append(f"{path}: {refusal}")
            except OSError as error:  # missing, unreadable
                refused.append(f"{path}: {error.strerror or error}")
            progress.advance(task)
    return added, refused


def register(cli: typer.Typer) -> None:
    media_cli = typer.Typer(help="The media library.", no_args_is_help=True)

    @media_cli.command("add")
    def add_command(
        files: Annotated[list[Path], typer.Argument(help="Image files to add.")],
        alt: Annotated[str, typer.Option(help="Text alternative for every file.")] = "",
        credit: Annotated[str, typer.Option(help="Who made them.")] = "",
        licence: Annotated[str, typer.Option(help="Under which terms they may be used.")] = "",
    ) -> None:
        """Add images (JPEG, PNG, WebP, GIF, AVIF) to the media library, with a progress bar."""
        context = command_context()
        details = ImageDetails(alt=alt, credit=credit, licence=licence)

        async def add() -> tuple[list[int], list[str]]:
            return await add_files(files, details, context.plugin_manager, context.settings)

        added, refused = context.run_in_database(add)
        for line in refused:
            err_console.print(f"refused {line}", highlight=False, markup=False, soft_wrap=True)
        ids = ", ".join(str(pk) for pk in added) or "none"
        err_console.print(f"Added {len(added)} image(s) (ids: {ids}).", highlight=False)
        if refused:
            raise CommandError(f"{len(refused)} of {len(files)} file(s) were refused.")

    @media_cli.command("import-photos")
    def import_photos_command(
        timeout: Annotated[float, typer.Option(help="Seconds to wait for each server.")] = 10.0,
    ) -> None:
        """Bring people's photo URLs (Person.photoUrl) into the media library as their photos."""
        context = command_context()

        async def fetch() -> PhotoReport:
            return await import_photo_urls(
                context.plugin_manager, context.settings, seconds_per_server=timeout
            )

        report = context.run_in_database(fetch)
        for line in report.failed:
            err_console.print(f"not fetched {line}", highlight=False, markup=False, soft_wrap=True)
        err_console.print(
            f"Imported {len(report.imported)} photo(s); {len(report.failed)} could not be fetched.",
            highlight=False,
        )
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} photo URL(s) could not be fetched; run the command "
                "again once they are reachable, or set those photos with setPersonPhoto."
            )

    @media_cli.command("export")
    def export_command(
        folder: Annotated[
            Path, typer.Argument(help="Folder to write media.json and originals/ to.")
        ],
    ) -> None:
        """Write the library (records and original files) to a folder, for `hub media import`."""
        context = command_context()

        async def export() -> int:
            return await export_media(context.plugin_manager, context.settings, folder)

        try:
            count = context.run_in_database(export)
        except InvalidMedia as invalid:
            raise CommandError("; ".join(invalid.problems)) from None
        err_console.print(f"Exported {count} image(s) to {folder}.", highlight=False)

    @media_cli.command("import")
    def import_command(
        folder: Annotated[Path, typer.Argument(help="A folder written by `hub media export`.")],
    ) -> None:
        """Bring a library exported by `hub media export` in: all of it, or nothing."""
        context = command_context()

        async def load() -> MediaReport:
            return await import_media(context.plugin_manager, context.settings, folder)

        try:
            report = context.run_in_database(load)
        except InvalidMedia as invalid:
            for line in invalid.problems:
                err_console.print(line, highlight=False, markup=False, soft_wrap=True)
            raise CommandError(
                f"{len(invalid.problems)} problem(s): nothing was imported."
            ) from None
        err_console.print(
            f"Images: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged.",
            highlight=False,
        )

    cli.add_typer(media_cli, name="media")
