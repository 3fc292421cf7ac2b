"""Where an image is shown, so that one in use is never deleted; forgetting its files."""

from __future__ import annotations

import asyncio

from hub import Context
from hub_media.models import PersonPhoto, PostImage, SectionImage
from hub_media.runtime import storage

SHOWN = 3


async def where_used(asset_id: int) -> list[str]:
    """Each place, as words: 'the post "Peace now" (peace-now)'."""
    posts = await PostImage.filter(asset_id=asset_id).values_list("post__title", "post__slug")
    people = await PersonPhoto.filter(asset_id=asset_id).values_list("person__name", "person__slug")
    sections = await SectionImage.filter(asset_id=asset_id).values_list(
        "section__name", "section__slug"
    )
    return [
        *(f'the featured image of the post "{title}" ({slug})' for title, slug in posts),
        *(f'the photo of "{name}" ({slug})' for name, slug in people),
        *(f'the image of the section "{name}" ({slug})' for name, slug in sections),
    ]


def describe(uses: list[str]) -> str:
    shown = "; ".join(uses[:SHOWN])
    more = len(uses) - SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


async def forget_files(context: Context, original_key: str, asset_id: int) -> None:
    store = storage(context.plugin_manager, context.settings)
    await asyncio.to_thread(store.delete, original_key)
    await asyncio.to_thread(store.delete_all, f"renditions/{asset_id}")
