"""``/map``: the interactive map page (Leaflet and Leaflet.markercluster, shipped with us).

Everything the page loads comes from this hub: scripts and styles from ``/map/static``, the
country outlines from ``/map/countries.geojson`` (no tile server), the sections from
``/map/sections.geojson``. The Content-Security-Policy says exactly that, so an injected
script or a third-party request cannot run or leave the page; only ``frame-ancestors`` is
configurable, because partner sites embed the page in a frame.
"""

from __future__ import annotations

from html import escape

from hub import Settings
from hub_sections_map import settings as map_settings

MEDIA_TYPE = "text/html; charset=utf-8"

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="map/static/vendor/leaflet/leaflet.css">
<link rel="stylesheet" href="map/static/vendor/leaflet.markercluster/MarkerCluster.css">
<link rel="stylesheet" href="map/static/sections-map.css">
</head>
<body>
<h1 class="visually-hidden">{title}</h1>
<div id="map" role="region" aria-label="Interactive map of the sections"
     data-sections="map/sections.geojson" data-countries="map/countries.geojson"></div>
<noscript><img src="map/sections.svg" alt="A world map of the sections" width="1000"
     height="500"></noscript>
<script src="map/static/vendor/leaflet/leaflet.js"></script>
<script src="map/static/vendor/leaflet.markercluster/leaflet.markercluster.js"></script>
<script src="map/static/sections-map.js"></script>
</body>
</html>
"""


def content_security_policy(settings: Settings) -> str:
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            f"frame-ancestors {map_settings.frame_ancestors(settings)}",
        )
    )


def render(title: str = "Where our sections are") -> bytes:
    return PAGE.format(title=escape(title)).encode()
