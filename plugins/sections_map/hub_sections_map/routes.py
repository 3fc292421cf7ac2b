"""The plugin's HTTP routes, all under ``/map``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from hub import Settings
from hub_sections_map import geojson, page, svg, world
from hub_sections_map import settings as map_settings
from hub_sections_map.http_cache import cacheable_response
from hub_sections_map.store import placed_sections

#: Outlines never change while the hub runs: a day in every cache.
OUTLINES_MAX_AGE = 86_400
#: Anyone may read the public map data from a page on another site (no cookies are sent).
OPEN_TO_ALL_ORIGINS = {"Access-Control-Allow-Origin": "*"}
#: The SVG is drawn from the database's text; opened as a document rather than through <img>,
#: it may still load, run or style nothing.
SVG_HEADERS = {**OPEN_TO_ALL_ORIGINS, "Content-Security-Policy": "default-src 'none'"}


def map_routes(settings: Settings) -> list[BaseRoute]:
    max_age = map_settings.max_age(settings)

    async def sections_geojson(request: Request) -> Response:
        body = geojson.encode(await geojson.feature_collection(settings))
        return cacheable_response(request, body, geojson.MEDIA_TYPE, max_age, OPEN_TO_ALL_ORIGINS)

    async def sections_svg(request: Request) -> Response:
        body = svg.render(await placed_sections())
        return cacheable_response(request, body, svg.MEDIA_TYPE, max_age, SVG_HEADERS)

    async def countries_geojson(request: Request) -> Response:
        return cacheable_response(
            request,
            world.countries_geojson(),
            geojson.MEDIA_TYPE,
            OUTLINES_MAX_AGE,
            OPEN_TO_ALL_ORIGINS,
        )

    async def map_page(request: Request) -> Response:
        return cacheable_response(
            request,
            page.render(),
            page.MEDIA_TYPE,
            max_age,
            {
                "Content-Security-Policy": page.content_security_policy(settings),
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
            },
        )

    return [
        Route("/map", map_page, methods=["GET"], name="sections_map_page"),
        Route("/map/sections.geojson", sections_geojson, methods=["GET"], name="sections_geojson"),
        Route("/map/sections.svg", sections_svg, methods=["GET"], name="sections_map_svg"),
        Route("/map/countries.geojson", countries_geojson, methods=["GET"], name="map_countries"),
        Mount(
            "/map/static",
            app=StaticFiles(packages=[("hub_sections_map", "static")]),
            name="sections_map_static",
        ),
    ]
