"""Per-request DataLoaders of the media plugin: one SQL statement per batch of keys."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from strawberry.dataloader import DataLoader

from hub import Context, LoaderFactory
from hub_media.models import Asset
from hub_media.types import ASSET_FIELDS, ImageType


def _images_by_id(context: Context) -> DataLoader[int, ImageType | None]:
    async def load(ids: Sequence[int]) -> list[ImageType | None]:
        rows = await Asset.filter(id__in=list(ids)).values(*ASSET_FIELDS)
        found = {row["id"]: ImageType.from_row(row) for row in rows}
        return [found.get(key) for key in ids]

    return DataLoader(load_fn=load)


def dataloaders() -> Mapping[str, LoaderFactory]:
    return {"media_images_by_id": _images_by_id}
