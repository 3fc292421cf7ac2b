"""Country outlines from the shipped Natural Earth 1:110m TopoJSON (world-atlas), decoded once.

TopoJSON stores each border once as an "arc" of delta-encoded, quantized positions; a
polygon ring lists the arcs it follows (``~i`` walks arc ``i`` backwards). Rings that cross
the antimeridian (Fiji, Russia's far east; not Antarctica, which circles the pole) are
unwrapped to continuous longitudes and drawn a second time 360 degrees over, so flat maps
show them on both edges instead of a streak across.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

Position = tuple[float, float]  # (lng, lat)
Ring = tuple[Position, ...]


@dataclass(frozen=True)
class Country:
    name: str
    polygons: tuple[tuple[Ring, ...], ...]


def _decode_arcs(topology: dict[str, Any]) -> list[list[Position]]:
    (scale_x, scale_y), (shift_x, shift_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        positions = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            positions.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(positions)
    return arcs


def _ring(indexes: list[int], arcs: list[list[Position]]) -> list[Position]:
    ring: list[Position] = []
    for index in indexes:
        positions = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(positions[1:] if ring else positions)
    return ring


def _unwrapped(ring: list[Position]) -> list[list[Position]]:
    """The ring with continuous longitudes, and a copy 360 degrees over if it leaves the map."""
    continuous = [ring[0]]
    for lng, lat in ring[1:]:
        previous = continuous[-1][0]
        while lng - previous > 180:
            lng -= 360
        while previous - lng > 180:
            lng += 360
        continuous.append((lng, lat))
    if continuous[-1] != continuous[0]:
        # A ring round a pole (Antarctica) only closes in its original longitudes.
        return [ring]
    rings = [continuous]
    if max(lng for lng, _ in continuous) > 180:
        rings.append([(lng - 360, lat) for lng, lat in continuous])
    elif min(lng for lng, _ in continuous) < -180:
        rings.append([(lng + 360, lat) for lng, lat in continuous])
    return rings


def _polygons(geometry: dict[str, Any], arcs: list[list[Position]]) -> list[tuple[Ring, ...]]:
    if geometry["type"] == "Polygon":
        shapes = [geometry["arcs"]]
    elif geometry["type"] == "MultiPolygon":
        shapes = geometry["arcs"]
    else:
        return []
    polygons: list[tuple[Ring, ...]] = []
    for shape in shapes:
        copies: list[list[Ring]] = []
        for ring_arcs in shape:
            for copy_index, ring in enumerate(_unwrapped(_ring(ring_arcs, arcs))):
                if copy_index == len(copies):
                    copies.append([])
                copies[copy_index].append(tuple(ring))
        polygons.extend(tuple(rings) for rings in copies)
    return polygons


@cache
def countries() -> tuple[Country, ...]:
    source = resources.files("hub_sections_map") / "data" / "countries-110m.json"
    topology = json.loads(source.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    return tuple(
        Country(
            name=geometry.get("properties", {}).get("name", ""),
            polygons=tuple(_polygons(geometry, arcs)),
        )
        for geometry in topology["objects"]["countries"]["geometries"]
    )


@cache
def countries_geojson() -> bytes:
    """The outlines as a GeoJSON FeatureCollection, for the interactive map's base layer."""
    features = [
        {
            "type": "Feature",
            "properties": {"name": country.name},
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [
                    [[[round(lng, 4), round(lat, 4)] for lng, lat in ring] for ring in polygon]
                    for polygon in country.polygons
                ],
            },
        }
        for country in countries()
    ]
    document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, separators=(",", ":")).encode()
