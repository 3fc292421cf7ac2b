"""Grouping nearby sections for a map at a zoom level, the way Supercluster does it.

The algorithm is Mapbox Supercluster's (the one behind Mapbox GL and many Leaflet maps),
so a client drawing our clusters sees what its own map library would show:

1. Project each point to Web Mercator "world" coordinates in [0, 1] x [0, 1] (the square
   a 256-pixel tile at zoom 0 covers).
2. Start at ``MAX_ZOOM + 1`` with every point alone. For each zoom from ``MAX_ZOOM`` down to
   the one asked for, walk the groups of the zoom above in order; a group not yet taken
   takes every untaken group within ``RADIUS_PX / (EXTENT_PX * 2**zoom)`` of it (40 px of a
   512 px tile, Supercluster's defaults) and becomes one cluster at their count-weighted
   centroid. Neighbours are found through a grid of cells one radius wide, so a level costs
   about one pass over the groups, not one per pair.
3. A cluster's ``expansion_zoom`` is the first zoom at which it splits in two or more: where
   a client should zoom to when the cluster is clicked.

Clustering is greedy and ordered (by section id), so the same sections always give the same
clusters. Clusters do not wrap round the antimeridian (Supercluster's do not either).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from hub_sections_map.geo import BoundingBox, Point

MAX_ZOOM = 16
RADIUS_PX = 40
EXTENT_PX = 512


@dataclass(frozen=True)
class MapPoint:
    section_id: int
    point: Point


@dataclass(frozen=True)
class Cluster:
    point: Point
    section_ids: tuple[int, ...]
    expansion_zoom: int | None
    """The zoom at which this cluster splits; None for a single section."""

    @property
    def count(self) -> int:
        return len(self.section_ids)


@dataclass(frozen=True)
class _Group:
    x: float
    y: float
    members: tuple[int, ...]


def mercator_x(lng: float) -> float:
    return lng / 360 + 0.5


def mercator_y(lat: float) -> float:
    sine = math.sin(math.radians(lat))
    if abs(sine) >= 1:  # the poles are infinitely far north or south in Mercator
        return 0.0 if sine > 0 else 1.0
    y = 0.5 - 0.25 * math.log((1 + sine) / (1 - sine)) / math.pi
    return min(1.0, max(0.0, y))


def longitude_of(x: float) -> float:
    return (x - 0.5) * 360


def latitude_of(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(math.pi * (1 - 2 * y)))) - 90


def _merge(groups: Sequence[_Group], radius: float) -> list[_Group]:
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    for index, group in enumerate(groups):
        cells[(int(group.x // radius), int(group.y // radius))].append(index)
    taken = [False] * len(groups)
    merged: list[_Group] = []
    for index, group in enumerate(groups):
        if taken[index]:
            continue
        taken[index] = True
        cell_x, cell_y = int(group.x // radius), int(group.y // radius)
        gathered = [group]
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for other in cells.get((cell_x + dx, cell_y + dy), ()):
                    candidate = groups[other]
                    if (
                        not taken[other]
                        and math.dist((group.x, group.y), (candidate.x, candidate.y)) <= radius
                    ):
                        taken[other] = True
                        gathered.append(candidate)
        if len(gathered) == 1:
            merged.append(group)
            continue
        weight = sum(len(g.members) for g in gathered)
        merged.append(
            _Group(
                x=sum(g.x * len(g.members) for g in gathered) / weight,
                y=sum(g.y * len(g.members) for g in gathered) / weight,
                members=tuple(sorted(m for g in gathered for m in g.members)),
            )
        )
    return merged


def _levels(points: Sequence[MapPoint], zoom: int) -> dict[int, list[_Group]]:
    """The groups at every zoom from ``MAX_ZOOM + 1`` (single points) down to ``zoom``."""
    ordered = sorted(points, key=lambda p: p.section_id)
    groups = [
        _Group(mercator_x(p.point.lng), mercator_y(p.point.lat), (p.section_id,)) for p in ordered
    ]
    levels = {MAX_ZOOM + 1: groups}
    for level in range(MAX_ZOOM, zoom - 1, -1):
        groups = _merge(groups, RADIUS_PX / (EXTENT_PX * 2**level))
        levels[level] = groups
    return levels


def _expansion_zoom(
    members: tuple[int, ...], zoom: int, levels: dict[int, list[_Group]]
) -> int | None:
    if len(members) == 1:
        return None
    wanted = set(members)
    for level in range(zoom + 1, MAX_ZOOM + 2):
        parts = sum(1 for group in levels[level] if wanted.intersection(group.members))
        if parts > 1:
            return level
    return MAX_ZOOM + 1


def clusters(points: Sequence[MapPoint], zoom: int, bbox: BoundingBox | None) -> list[Cluster]:
    """The clusters (and lone sections) a map at ``zoom`` shows, those centred in ``bbox``."""
    zoom = min(zoom, MAX_ZOOM + 1)
    levels = _levels(points, zoom)
    found = []
    for group in levels[zoom]:
        centre = Point(lat=latitude_of(group.y), lng=longitude_of(group.x))
        if bbox is None or bbox.contains(centre):
            found.append(
                Cluster(centre, group.members, _expansion_zoom(group.members, zoom, levels))
            )
    return found
