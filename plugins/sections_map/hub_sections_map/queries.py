"""Root fields: ``sectionsMap`` (filtered features) and ``clusters`` (map markers)."""

from __future__ import annotations

import strawberry

from hub import Info, UserError
from hub_sections_map.clustering import MAX_ZOOM, MapPoint, clusters
from hub_sections_map.geo import (
    BoundingBox,
    Point,
    checked_bbox,
    checked_point,
    checked_radius_km,
    haversine_km,
)
from hub_sections_map.store import PlacedSection, placed_sections
from hub_sections_map.types import MapClusterType, SectionLocationType, SectionOnMapType

HIGHEST_ZOOM = 22


@strawberry.input(
    name="BoundingBoxInput",
    description="A box of degrees (RFC 7946 order). A west edge east of the east edge is a box "
    "that crosses the antimeridian: west 170, east -170 is the 20 degrees around 180.",
)
class BoundingBoxInput:
    west: float
    south: float
    east: float
    north: float

    def checked(self, argument: str) -> BoundingBox:
        return checked_bbox(self.west, self.south, self.east, self.north, argument)


@strawberry.input(name="NearInput", description="Sections within a distance of a point.")
class NearInput:
    lat: float
    lng: float
    radius_km: float = strawberry.field(description="Great-circle distance in kilometres.")


def _on_map(section: PlacedSection, distance_km: float | None) -> SectionOnMapType:
    return SectionOnMapType(
        section_id=section.id,
        location=SectionLocationType.from_location(section.location),
        region=section.location.region or None,
        distance_km=distance_km,
    )


def _region(region: str | None) -> str | None:
    if region is not None and not region.strip():
        raise UserError(
            "region must not be blank; leave it out for every region", argument="region"
        )
    return region


@strawberry.type
class SectionsMapQueries:
    @strawberry.field(
        description="Sections that have a location, by name, or nearest first with `near`. "
        "Every given condition must hold."
    )
    async def sections_map(
        self,
        info: Info,
        region: str | None = None,
        bbox: BoundingBoxInput | None = None,
        near: NearInput | None = None,
    ) -> list[SectionOnMapType]:
        box = bbox.checked("bbox") if bbox is not None else None
        centre: Point | None = None
        radius_km = 0.0
        if near is not None:
            centre = checked_point(near.lat, near.lng, "near")
            radius_km = checked_radius_km(near.radius_km, "near.radiusKm")
        found: list[tuple[float | None, PlacedSection]] = []
        for section in await placed_sections(_region(region)):
            point = section.location.point
            if box is not None and not box.contains(point):
                continue
            distance = haversine_km(centre, point) if centre is not None else None
            if distance is not None and distance > radius_km:
                continue
            found.append((distance, section))
        if centre is not None:
            found.sort(key=lambda pair: (pair[0], pair[1].name))
        return [_on_map(section, distance) for distance, section in found]

    @strawberry.field(
        description="Markers for a map at `zoom` (Web Mercator, 0 = the whole world): nearby "
        "sections grouped as map libraries group them (Supercluster's algorithm, 40 px radius "
        "on 512 px tiles), with those centred in `bbox`."
    )
    async def clusters(
        self,
        zoom: int,
        bbox: BoundingBoxInput | None = None,
        region: str | None = None,
    ) -> list[MapClusterType]:
        if not 0 <= zoom <= HIGHEST_ZOOM:
            raise UserError(
                f"zoom must be between 0 and {HIGHEST_ZOOM}, got {zoom}", argument="zoom"
            )
        box = bbox.checked("bbox") if bbox is not None else None
        points = [
            MapPoint(section.id, section.location.point)
            for section in await placed_sections(_region(region))
        ]
        return [
            MapClusterType.from_cluster(cluster)
            for cluster in clusters(points, min(zoom, MAX_ZOOM + 1), box)
        ]
