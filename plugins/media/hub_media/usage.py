"""Where an image is shown, so that one in use is never deleted; forgetting its files."""

from __future__ import annotations

import asyncio

from hub import ContentEvent, Context
from hub_media.placements import PLACEMENTS
from hub_media.runtime import storage
from hub_media.urls import renditions_folder

SHOWN = 3
WHERE = {"Post": "the post", "Person": "the person", "Section": "the section"}


async def where_used(asset_id: int) -> list[str]:
    """Each place, as words: 'the post "Peace now" (peace-now)'."""
    uses: list[str] = []
    for placement in PLACEMENTS:
        owners = await placement.model.filter(asset_id=asset_id).values_list(
            f"{placement.owner}__{placement.label_field}", f"{placement.owner}__slug"
        )
        where = WHERE[placement.type_name]
        uses.extend(f'{where} "{label}" ({slug})' for label, slug in owners)
    return uses


async def changed_owners(asset_id: int, changes: dict[str, object]) -> list[ContentEvent]:
    """A content event for each post, person and section showing the image, whose answers
    (cached ones too) change with it."""
    events: list[ContentEvent] = []
    for placement in PLACEMENTS:
        owners = await placement.model.filter(asset_id=asset_id).values_list(
            placement.owner_id, f"{placement.owner}__slug"
        )
        events.extend(
            ContentEvent(placement.event, placement.type_name, pk, slug, {placement.field: changes})
            for pk, slug in owners
        )
    return events


def describe(uses: list[str]) -> str:
    shown = "; ".join(uses[:SHOWN])
    more = len(uses) - SHOWN
    return f"{shown} and {more} more" if more > 0 else shown


async def forget_files(context: Context, original_key: str) -> None:
    store = storage(context.plugin_manager, context.settings)
    await asyncio.to_thread(store.delete, original_key)
    await asyncio.to_thread(store.delete_all, renditions_folder(original_key))


async def forget_version(context: Context, original_key: str, version: int) -> None:
    """Delete the renditions of ``version`` of an image, after its focal point moved."""
    store = storage(context.plugin_manager, context.settings)
    await asyncio.to_thread(store.delete_all, f"{renditions_folder(original_key)}/v{version}")
