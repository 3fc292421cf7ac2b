"""GraphQL types of the sections map, and the fields it adds to ``Section``."""

from __future__ import annotations

import strawberry

from hub import Info, SectionRef
from hub_sections_map.clustering import Cluster
from hub_sections_map.content import SECTION_LOCATION
from hub_sections_map.loaders import LOCATION_BY_SECTION
from hub_sections_map.store import Location


def _described(name: str) -> str:
    return SECTION_LOCATION.fields[name].description


@strawberry.type(name="SectionLocation", description=SECTION_LOCATION.description)
class SectionLocationType:
    lat: float = strawberry.field(description=_described("lat"))
    lng: float = strawberry.field(description=_described("lng"))
    city: str | None = strawberry.field(description=_described("city"))

    @classmethod
    def from_location(cls, location: Location) -> SectionLocationType:
        return cls(lat=location.point.lat, lng=location.point.lng, city=location.city or None)


@strawberry.type
class SectionMapFields:
    """Added to ``Section``: where it is and which of the organisation's regions it is in."""

    @strawberry.field(description="Where the section is; null until it has been placed.")
    async def location(self, info: Info) -> SectionLocationType | None:
        section_id: int = self.id  # type: ignore[attr-defined]
        found: Location | None = await info.context.loaders[LOCATION_BY_SECTION].load(section_id)
        return SectionLocationType.from_location(found) if found else None

    @strawberry.field(description=_described("region"))
    async def region(self, info: Info) -> str | None:
        section_id: int = self.id  # type: ignore[attr-defined]
        found: Location | None = await info.context.loaders[LOCATION_BY_SECTION].load(section_id)
        return found.region or None if found else None


@strawberry.type(name="SectionOnMap", description="A section placed on the map.")
class SectionOnMapType:
    section_id: strawberry.Private[int]
    location: SectionLocationType
    region: str | None
    distance_km: float | None = strawberry.field(
        description="Great-circle distance from `near`, in kilometres; null without `near`."
    )

    @strawberry.field(description="The section itself.")
    async def section(self, info: Info) -> SectionRef:
        section: SectionRef = await info.context.loaders["section_by_id"].load(self.section_id)
        return section


@strawberry.type(
    name="MapCluster",
    description="Sections close together at a zoom level, drawn as one marker (or one section).",
)
class MapClusterType:
    lat: float = strawberry.field(description="Latitude of the sections' centroid.")
    lng: float = strawberry.field(description="Longitude of the sections' centroid.")
    point_count: int = strawberry.field(description="How many sections the marker stands for.")
    expansion_zoom: int | None = strawberry.field(
        description="The zoom at which the cluster splits; null for a single section."
    )
    section_ids: strawberry.Private[tuple[int, ...]]

    @classmethod
    def from_cluster(cls, cluster: Cluster) -> MapClusterType:
        return cls(
            lat=cluster.point.lat,
            lng=cluster.point.lng,
            point_count=cluster.count,
            expansion_zoom=cluster.expansion_zoom,
            section_ids=cluster.section_ids,
        )

    @strawberry.field(description="The sections in the cluster, by id.")
    async def sections(self, info: Info) -> list[SectionRef]:
        found: list[SectionRef | None] = await info.context.loaders["section_by_id"].load_many(
            list(self.section_ids)
        )
        return [section for section in found if section is not None]
