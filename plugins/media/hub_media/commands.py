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
from hub_media.runtime import storage
from hub_media.settings import MediaSettings
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

    cli.add_typer(media_cli, name="media")
