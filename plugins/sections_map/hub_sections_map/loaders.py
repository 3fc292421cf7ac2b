"""Per-request DataLoaders: a page of 100 sections asks for their locations in one statement."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from strawberry.dataloader import DataLoader

from hub import Context, LoaderFactory
from hub_sections_map.store import Location, locations_by_section

LOCATION_BY_SECTION = "sections_map_location_by_section"


def _location_by_section(context: Context) -> DataLoader[int, Location | None]:
    async def load(section_ids: Sequence[int]) -> list[Location | None]:
        found = await locations_by_section(section_ids)
        return [found.get(key) for key in section_ids]

    return DataLoader(load_fn=load)


def dataloaders() -> Mapping[str, LoaderFactory]:
    return {LOCATION_BY_SECTION: _location_by_section}
