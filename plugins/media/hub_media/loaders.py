"""Per-request DataLoaders of the media plugin: one SQL statement per batch of keys."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from strawberry.dataloader import DataLoader

from hub import Context, LoaderFactory
from hub_media.models import Asset
from hub_media.placements import PLACEMENTS, Placement
from hub_media.types import ASSET_FIELDS, ImageType

JOINED = {f"asset_{field}": f"asset__{field}" for field in ASSET_FIELDS}


def _images_by_id(context: Context) -> DataLoader[int, ImageType | None]:
    async def load(ids: Sequence[int]) -> list[ImageType | None]:
        rows = await Asset.filter(id__in=list(ids)).values(*ASSET_FIELDS)
        found = {row["id"]: ImageType.from_row(row) for row in rows}
        return [found.get(key) for key in ids]

    return DataLoader(load_fn=load)


def _images_of(placement: Placement) -> LoaderFactory:
    """Owner id → its image, with the asset joined in: one statement for a page of owners."""

    def factory(context: Context) -> DataLoader[int, ImageType | None]:
        async def load(owner_ids: Sequence[int]) -> list[ImageType | None]:
            rows = await placement.model.filter(
                **{f"{placement.owner_id}__in": list(owner_ids)}
            ).values(placement.owner_id, **JOINED)
            found = {
                row[placement.owner_id]: ImageType.from_row(
                    {field: row[f"asset_{field}"] for field in ASSET_FIELDS}
                )
                for row in rows
            }
            return [found.get(key) for key in owner_ids]

        return DataLoader(load_fn=load)

    return factory


def dataloaders() -> Mapping[str, LoaderFactory]:
    return {
        "media_images_by_id": _images_by_id,
        **{placement.loader: _images_of(placement) for placement in PLACEMENTS},
    }
