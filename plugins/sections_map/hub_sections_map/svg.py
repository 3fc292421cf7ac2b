"""``/map/sections.svg``: a world map with a marker per section, drawn on the server.

Plain equirectangular projection (x from longitude, y from latitude, linearly), so it needs
no projection library and partners can place things on it themselves. The file is
self-contained (no scripts, fonts or external references), so it works in ``<img>``; as an
image it is one picture with a text alternative naming every section, and opened directly
each marker is its own labelled image with a ``<title>`` tooltip.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from xml.sax.saxutils import escape, quoteattr

from hub_sections_map.store import PlacedSection
from hub_sections_map.world import Ring, countries

WIDTH = 1000
HEIGHT = 500
MEDIA_TYPE = "image/svg+xml"
#: The map's colours; MARKER_FILL is also what the browser test looks for.
OCEAN_FILL = "#dce9f5"
LAND_FILL = "#f5f3ee"
BORDER = "#9aa8b5"
MARKER_FILL = "#c2185b"


def project(lng: float, lat: float) -> tuple[float, float]:
    return (lng + 180) * WIDTH / 360, (90 - lat) * HEIGHT / 180


def _ring_path(ring: Ring) -> str:
    points = [project(lng, lat) for lng, lat in ring]
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z"


@cache
def land_paths() -> str:
    paths = []
    for country in countries():
        d = "".join(_ring_path(ring) for polygon in country.polygons for ring in polygon)
        paths.append(f"<path d={quoteattr(d)}><title>{escape(country.name)}</title></path>")
    return "".join(paths)


def _label(section: PlacedSection) -> str:
    city = section.location.city
    return f"{section.name}, {city}" if city else section.name


def render(sections: Sequence[PlacedSection], title: str = "Where our sections are") -> bytes:
    names = "; ".join(_label(section) for section in sections)
    description = f"{len(sections)} sections: {names}." if sections else "No sections yet."
    markers = []
    for section in sections:
        x, y = project(section.location.point.lng, section.location.point.lat)
        label = _label(section)
        markers.append(
            f'<g class="marker" role="img" aria-label={quoteattr(label)}>'
            f"<title>{escape(label)}</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6"/></g>'
        )
    document = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="map-title map-desc">'
        f'<title id="map-title">{escape(title)}</title>'
        f'<desc id="map-desc">{escape(description)}</desc>'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="{OCEAN_FILL}"/>'
        f'<g fill="{LAND_FILL}" stroke="{BORDER}" stroke-width="0.5" stroke-linejoin="round">'
        f"{land_paths()}</g>"
        f'<g fill="{MARKER_FILL}" stroke="#ffffff" stroke-width="1.5">{"".join(markers)}</g>'
        "</svg>"
    )
    return document.encode()
