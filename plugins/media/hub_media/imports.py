"""Files an import found (``import_media``): added to the library once, set as featured images.

A file already in the library (the same name and size, as a second import of the same export
finds it) is not added again, so importing twice adds nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pluggy

from hub import ImportedMedia, Post, Settings
from hub_media.images import RefusedImage
from hub_media.models import Asset, PostImage
from hub_media.runtime import storage
from hub_media.settings import MediaSettings
from hub_media.upload import ImageDetails, ingest


async def _asset(
    item: ImportedMedia, pm: pluggy.PluginManager, settings: Settings
) -> tuple[Asset, bool]:
    """The library's asset for ``item``, and whether it was added now."""
    size = (await asyncio.to_thread(item.file.stat)).st_size
    name = item.file.name[:255]
    existing = await Asset.filter(original_name=name, byte_size=size).order_by("id").first()
    if existing is not None:
        return existing, False
    details = ImageDetails(alt=item.alt or item.title, caption=item.caption)
    store, limits = storage(pm, settings), MediaSettings.of(settings)
    return await ingest(item.file, name, details, store, limits), True


async def import_media(
    media: Sequence[ImportedMedia], plugin_manager: pluggy.PluginManager, settings: Settings
) -> list[str]:
    lines: list[str] = []
    added = matched = featured = 0
    for item in media:
        try:
            asset, new = await _asset(item, plugin_manager, settings)
        except RefusedImage as refusal:
            lines.append(f"{item.source}: {item.file.name} refused ({refusal}); reference kept")
            continue
        except OSError as error:
            lines.append(f"{item.source}: {item.file} unreadable ({error.strerror or error})")
            continue
        added, matched = added + new, matched + (not new)
        for slug in item.featured_on:
            post_id = await Post.filter(slug=slug).values_list("id", flat=True)
            if not post_id:
                continue
            placed = await PostImage.filter(post_id=post_id[0]).first()
            if placed is None:
                await PostImage.create(post_id=post_id[0], asset_id=asset.id)
                featured += 1
            elif placed.asset_id != asset.id:
                await PostImage.filter(id=placed.id).update(asset_id=asset.id)
                featured += 1
    lines.append(
        f"media library: {added} image(s) added, {matched} already in the library, "
        f"{featured} featured image(s) set"
    )
    return lines
