"""Coordinates on the globe: checked input, great-circle distance and bounding boxes.

Longitudes are degrees east in [-180, 180], latitudes degrees north in [-90, 90] (WGS 84, the
datum of GeoJSON). A box whose west edge is east of its east edge crosses the antimeridian, as
RFC 7946 section 5.2 defines it: ``west=170, east=-170`` is the 20 degrees around 180.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hub import UserError

#: Mean Earth radius (IUGG), the usual choice for haversine distances.
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Point:
    lat: float
    lng: float


@dataclass(frozen=True)
class BoundingBox:
    west: float
    south: float
    east: float
    north: float

    @property
    def crosses_antimeridian(self) -> bool:
        return self.west > self.east

    def contains(self, point: Point) -> bool:
        if not self.south <= point.lat <= self.north:
            return False
        if self.crosses_antimeridian:
            return point.lng >= self.west or point.lng <= self.east
        return self.west <= point.lng <= self.east


def check_latitude(value: float, argument: str) -> float:
    if not math.isfinite(value) or not -90 <= value <= 90:
        raise UserError(
            f"{argument} must be a latitude between -90 and 90 degrees, got {value}",
            argument=argument,
        )
    return value


def check_longitude(value: float, argument: str) -> float:
    if not math.isfinite(value) or not -180 <= value <= 180:
        raise UserError(
            f"{argument} must be a longitude between -180 and 180 degrees, got {value}",
            argument=argument,
        )
    return value


def checked_point(lat: float, lng: float, argument: str) -> Point:
    return Point(check_latitude(lat, f"{argument}.lat"), check_longitude(lng, f"{argument}.lng"))


def checked_bbox(
    west: float, south: float, east: float, north: float, argument: str
) -> BoundingBox:
    """A box from client input; a south edge north of the north edge is refused."""
    check_longitude(west, f"{argument}.west")
    check_latitude(south, f"{argument}.south")
    check_longitude(east, f"{argument}.east")
    check_latitude(north, f"{argument}.north")
    if south > north:
        raise UserError(
            f"{argument}.south ({south}) must not be north of {argument}.north ({north}); "
            "give the edges as west, south, east, north",
            argument=argument,
        )
    return BoundingBox(west, south, east, north)


def checked_radius_km(value: float, argument: str) -> float:
    if not math.isfinite(value) or value < 0:
        raise UserError(
            f"{argument} must be a distance of 0 km or more, got {value}", argument=argument
        )
    return value


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance on a sphere of the mean Earth radius (error under 0.5 %)."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlng = math.radians(b.lng - a.lng)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bounds_of(points: list[Point]) -> BoundingBox | None:
    """The smallest box around ``points`` that does not wrap round the antimeridian."""
    if not points:
        return None
    return BoundingBox(
        west=min(p.lng for p in points),
        south=min(p.lat for p in points),
        east=max(p.lng for p in points),
        north=max(p.lat for p in points),
    )
