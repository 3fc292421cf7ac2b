"""The sections map plugin, loaded the way a third party's is: through the public hooks only."""

from __future__ import annotations

import ast
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import geojson  # type: ignore[import-untyped]
import httpx
import hub_sections_map
import hub_sections_map.plugin
import pytest
from hub_sections_map.clustering import MapPoint, clusters
from hub_sections_map.geo import BoundingBox, Point, haversine_km
from hub_sections_map.models import SectionLocation
from hub_sections_map.placement import capitals, place_unplaced_sections
from hub_sections_map.settings import POST_URL, SECTION_URL
from hub_sections_map.svg import MARKER_FILL
from tortoise.exceptions import ValidationError

from hub.content.models import PostStatus, Section
from hub.settings import Settings
from tests import factories
from tests.conftest import GraphQLClient, SQLCounter

BERLIN = {"lat": 52.52, "lng": 13.405, "city": "Berlin", "region": "Europe"}
MADRID = {"lat": 40.4165, "lng": -3.7026, "city": "Madrid", "region": "Europe"}
YAOUNDE = {"lat": 3.8667, "lng": 11.5167, "city": "Yaoundé", "region": "Africa"}
SUVA = {"lat": -18.1416, "lng": 178.4419, "city": "Suva", "region": "Asia-Pacific"}
APIA = {"lat": -13.8333, "lng": -171.7667, "city": "Apia", "region": "Asia-Pacific"}


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_sections_map.plugin]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        extra={
            POST_URL: "https://example.org/news/{slug}",
            SECTION_URL: "https://example.org/sections/{slug}",
        },
    )


async def placed(slug: str, place: dict[str, Any], **fields: Any) -> Section:
    section = await factories.section(slug, name=f"WILPF {slug.title()}", **fields)
    await SectionLocation.create(section=section, **place)
    return section


# --- the plugin is a third-party plugin ---------------------------------------------------------


def test_the_plugin_imports_only_the_public_hub_api() -> None:
    package = Path(hub_sections_map.__file__).parent
    for module in package.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                assert name == "hub" or not name.startswith("hub."), f"{module}: {name}"


# --- Section.location and Section.region --------------------------------------------------------


SECTIONS_WITH_LOCATIONS = """
{ sections(first: 50) { edges { node { slug region location { lat lng city } } } } }
"""


async def test_sections_show_their_location_and_region(gql: GraphQLClient) -> None:
    await placed("germany", BERLIN)
    await factories.section("nowhere")
    data = await gql.data(SECTIONS_WITH_LOCATIONS)
    nodes = {edge["node"]["slug"]: edge["node"] for edge in data["sections"]["edges"]}
    assert nodes["germany"] == {
        "slug": "germany",
        "region": "Europe",
        "location": {"lat": 52.52, "lng": 13.405, "city": "Berlin"},
    }
    assert nodes["nowhere"] == {"slug": "nowhere", "region": None, "location": None}


@pytest.mark.parametrize("count", [1, 20])
async def test_locations_of_a_list_of_sections_cost_one_statement(
    gql: GraphQLClient, sql_counter: SQLCounter, count: int
) -> None:
    for n in range(count):
        await placed(f"s{n:02d}", BERLIN)
    sql_counter.reset()
    data = await gql.data(SECTIONS_WITH_LOCATIONS)
    assert len(data["sections"]["edges"]) == count
    location_reads = [s for s in sql_counter.statements if "sections_map_location" in s]
    assert len(location_reads) == 1, sql_counter.statements
    # The page itself (count and rows) plus the one batch of locations.
    assert sql_counter.count <= 3, sql_counter.statements


@pytest.mark.parametrize(("lat", "lng"), [(90.5, 0.0), (-91.0, 0.0), (0.0, 180.5), (0.0, -200.0)])
async def test_a_location_outside_the_globe_is_not_stored(app: Any, lat: float, lng: float) -> None:
    section = await factories.section("somewhere")
    with pytest.raises(ValidationError):
        await SectionLocation.create(section=section, lat=lat, lng=lng)
    assert await SectionLocation.filter(section_id=section.id).count() == 0


# --- sectionsMap --------------------------------------------------------------------------------

SECTIONS_MAP = """
query ($region: String, $bbox: BoundingBoxInput, $near: NearInput) {
  sectionsMap(region: $region, bbox: $bbox, near: $near) {
    section { slug } region distanceKm location { lat lng city }
  }
}
"""


async def map_slugs(gql: GraphQLClient, **variables: Any) -> list[str]:
    data = await gql.data(SECTIONS_MAP, variables)
    return [item["section"]["slug"] for item in data["sectionsMap"]]


async def test_sections_map_filters_by_region_and_box(gql: GraphQLClient) -> None:
    await placed("germany", BERLIN)
    await placed("spain", MADRID)
    await placed("cameroon", YAOUNDE)
    await factories.section("unplaced")
    assert await map_slugs(gql) == ["cameroon", "germany", "spain"]
    assert await map_slugs(gql, region="Africa") == ["cameroon"]
    western_europe = {"west": -10, "south": 35, "east": 10, "north": 45}
    assert await map_slugs(gql, bbox=western_europe) == ["spain"]
    assert await map_slugs(gql, region="Africa", bbox=western_europe) == []


async def test_a_box_west_of_its_east_edge_wraps_round_the_antimeridian(
    gql: GraphQLClient,
) -> None:
    await placed("fiji", SUVA)
    await placed("samoa", APIA)
    await placed("germany", BERLIN)
    around_180 = {"west": 170, "south": -30, "east": -165, "north": 0}
    assert await map_slugs(gql, bbox=around_180) == ["fiji", "samoa"]


async def test_near_uses_great_circle_distance_nearest_first(gql: GraphQLClient) -> None:
    await placed("germany", BERLIN)
    await placed("spain", MADRID)
    await placed("cameroon", YAOUNDE)
    paris = {"lat": 48.8566, "lng": 2.3522}
    data = await gql.data(SECTIONS_MAP, {"near": {**paris, "radiusKm": 1300}})
    found = [(item["section"]["slug"], round(item["distanceKm"])) for item in data["sectionsMap"]]
    # Paris-Berlin is 877 km and Paris-Madrid 1,053 km along the great circle.
    assert found == [("germany", 877), ("spain", 1053)]


async def test_near_finds_neighbours_across_the_antimeridian(gql: GraphQLClient) -> None:
    await placed("fiji", SUVA)
    await placed("samoa", APIA)
    data = await gql.data(
        SECTIONS_MAP, {"near": {"lat": SUVA["lat"], "lng": SUVA["lng"], "radiusKm": 1500}}
    )
    assert [item["section"]["slug"] for item in data["sectionsMap"]] == ["fiji", "samoa"]
    assert 1100 < data["sectionsMap"][1]["distanceKm"] < 1200


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"near": {"lat": 91, "lng": 0, "radiusKm": 10}}, "near.lat must be a latitude"),
        ({"near": {"lat": 0, "lng": -181, "radiusKm": 10}}, "near.lng must be a longitude"),
        ({"near": {"lat": 0, "lng": 0, "radiusKm": -1}}, "near.radiusKm must be a distance"),
        (
            {"bbox": {"west": 0, "south": 50, "east": 10, "north": 40}},
            "bbox.south (50.0) must not be north of bbox.north (40.0)",
        ),
        ({"bbox": {"west": 0, "south": -95, "east": 10, "north": 40}}, "bbox.south must be"),
        ({"bbox": {"west": 190, "south": 0, "east": 10, "north": 40}}, "bbox.west must be"),
        ({"region": "  "}, "region must not be blank"),
    ],
)
async def test_bad_map_arguments_are_explained(
    gql: GraphQLClient, variables: dict[str, Any], message: str
) -> None:
    body = await gql.query(SECTIONS_MAP, variables)
    assert body["data"] is None
    error = body["errors"][0]
    assert error["message"].startswith(message), error
    assert error["extensions"]["code"] == "BAD_USER_INPUT"


# --- clusters -----------------------------------------------------------------------------------

CLUSTERS = """
query ($zoom: Int!, $bbox: BoundingBoxInput) {
  clusters(zoom: $zoom, bbox: $bbox) {
    lat lng pointCount expansionZoom sections { slug }
  }
}
"""


async def test_clusters_group_nearby_sections_at_low_zoom_and_split_when_zoomed_in(
    gql: GraphQLClient,
) -> None:
    await placed("germany", BERLIN)
    await placed("spain", MADRID)
    await placed("cameroon", YAOUNDE)
    world = (await gql.data(CLUSTERS, {"zoom": 0}))["clusters"]
    by_count = sorted(world, key=lambda cluster: -cluster["pointCount"])
    europe, cameroon = by_count
    assert europe["pointCount"] == 2
    assert {s["slug"] for s in europe["sections"]} == {"germany", "spain"}
    assert europe["expansionZoom"] == 1
    # The centroid lies between the two capitals.
    assert MADRID["lat"] < europe["lat"] < BERLIN["lat"]
    assert MADRID["lng"] < europe["lng"] < BERLIN["lng"]
    assert cameroon["pointCount"] == 1
    assert cameroon["expansionZoom"] is None
    split = (await gql.data(CLUSTERS, {"zoom": europe["expansionZoom"]}))["clusters"]
    assert sorted(cluster["pointCount"] for cluster in split) == [1, 1, 1]


async def test_clusters_outside_the_box_are_left_out(gql: GraphQLClient) -> None:
    await placed("germany", BERLIN)
    await placed("cameroon", YAOUNDE)
    africa = {"west": -20, "south": -35, "east": 52, "north": 20}
    found = (await gql.data(CLUSTERS, {"zoom": 6, "bbox": africa}))["clusters"]
    assert [[s["slug"] for s in cluster["sections"]] for cluster in found] == [["cameroon"]]


async def test_a_zoom_out_of_range_is_explained(gql: GraphQLClient) -> None:
    message = await gql.error(CLUSTERS, {"zoom": -1})
    assert message == "zoom must be between 0 and 22, got -1"


def test_clustering_matches_supercluster_radius() -> None:
    # Two points 30 px apart at zoom 3 (512 px tiles): within Supercluster's 40 px radius.
    # At zoom 3 the world is 4,096 px wide, so 30 px is 30 * 360 / 4096 degrees of longitude.
    step = 30 * 360 / 4096
    points = [MapPoint(1, Point(0, 0)), MapPoint(2, Point(0, step))]
    assert [c.count for c in clusters(points, 3, None)] == [2]
    # One zoom level further they are 60 px apart: two markers.
    assert [c.count for c in clusters(points, 4, None)] == [1, 1]


def test_haversine_distances_of_known_cities() -> None:
    london, new_york = Point(51.5074, -0.1278), Point(40.7128, -74.0060)
    assert round(haversine_km(london, new_york)) == 5570
    assert haversine_km(london, london) == 0


def test_a_box_across_the_antimeridian_contains_both_sides() -> None:
    box = BoundingBox(west=170, south=-20, east=-170, north=20)
    assert box.contains(Point(0, 179))
    assert box.contains(Point(0, -179))
    assert not box.contains(Point(0, 0))


# --- /map/sections.geojson ----------------------------------------------------------------------


async def test_the_geojson_is_a_valid_rfc7946_feature_collection(
    client: httpx.AsyncClient,
) -> None:
    germany = await placed("germany", BERLIN)
    await placed("cameroon", YAOUNDE)
    await factories.person("anna", section=germany)
    await factories.person("berta", section=germany)
    now = datetime.now(UTC)
    await factories.post("older", sections=[germany], published_at=now - timedelta(days=2))
    await factories.post(
        "newest", title="Newest news", sections=[germany], published_at=now - timedelta(days=1)
    )
    await factories.post("a-draft", sections=[germany], status=PostStatus.DRAFT)
    await factories.post("future", sections=[germany], published_at=now + timedelta(days=1))

    response = await client.get("/map/sections.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    collection = geojson.loads(response.text)
    assert collection.is_valid, collection.errors()
    document = response.json()
    assert "crs" not in document
    assert document["type"] == "FeatureCollection"
    features = {feature["id"]: feature for feature in document["features"]}
    # [longitude, latitude]: Berlin is at 13.4 degrees east, 52.5 degrees north.
    assert features["germany"]["geometry"]["coordinates"] == [13.405, 52.52]
    assert document["bbox"] == [11.5167, 3.8667, 13.405, 52.52]
    assert features["germany"]["properties"] == {
        "slug": "germany",
        "name": "WILPF Germany",
        "countryCode": "DE",
        "region": "Europe",
        "city": "Berlin",
        "url": "https://example.org/sections/germany",
        "peopleCount": 2,
        "latestPost": {"title": "Newest news", "url": "https://example.org/news/newest"},
    }
    assert features["cameroon"]["properties"]["peopleCount"] == 0
    assert features["cameroon"]["properties"]["latestPost"] is None


async def test_the_geojson_is_cacheable_and_revalidates_with_304(
    client: httpx.AsyncClient,
) -> None:
    germany = await placed("germany", BERLIN)
    first = await client.get("/map/sections.geojson")
    etag = first.headers["etag"]
    assert etag.startswith('"')  # strong: no W/ prefix
    assert first.headers["cache-control"] == "public, max-age=300"
    again = await client.get("/map/sections.geojson", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    await SectionLocation.filter(section_id=germany.id).update(city="Bonn")
    changed = await client.get("/map/sections.geojson", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


async def test_the_geojson_costs_the_same_statements_for_1_and_20_sections(
    client: httpx.AsyncClient, sql_counter: SQLCounter
) -> None:
    counts = []
    for total in (1, 20):
        while await SectionLocation.all().count() < total:
            n = await SectionLocation.all().count()
            section = await placed(f"s{n:02d}", BERLIN)
            await factories.post(sections=[section])
            await factories.person(section=section)
        sql_counter.reset()
        response = await client.get("/map/sections.geojson")
        assert len(response.json()["features"]) == total
        counts.append(sql_counter.count)
    assert counts == [4, 4]


async def test_an_empty_map_is_an_empty_collection_without_bbox(
    client: httpx.AsyncClient,
) -> None:
    document = (await client.get("/map/sections.geojson")).json()
    assert document == {"type": "FeatureCollection", "features": []}
    assert geojson.loads(json.dumps(document)).is_valid


# --- /map/sections.svg and /map -----------------------------------------------------------------


async def test_the_svg_map_has_an_accessible_marker_per_section(
    client: httpx.AsyncClient,
) -> None:
    await placed("germany", BERLIN)
    await placed("cameroon", YAOUNDE)
    response = await client.get("/map/sections.svg")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.headers["content-security-policy"] == "default-src 'none'"
    assert response.headers["etag"]
    svg = response.text
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'role="img" aria-labelledby="map-title map-desc"' in svg
    # Self-contained, so it works in <img>.
    assert "<script" not in svg
    assert "href" not in svg
    assert svg.count('<g class="marker" role="img"') == 2
    assert '<g class="marker" role="img" aria-label="WILPF Germany, Berlin">' in svg
    assert "<title>WILPF Cameroon, Yaoundé</title>" in svg
    # Equirectangular on 1000 x 500: Berlin at x = (13.405 + 180) / 360 * 1000.
    assert '<circle cx="537.2" cy="104.1" r="6"/>' in svg
    assert f'fill="{MARKER_FILL}"' in svg
    assert "<title>Germany</title>" in svg  # country outlines are drawn


async def test_the_map_page_ships_leaflet_itself_under_a_strict_policy(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/map")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy
    assert "connect-src 'self'" in policy
    html = response.text
    # Nothing from a CDN.
    assert "http://" not in html
    assert "https://" not in html
    for asset in (
        "map/static/vendor/leaflet/leaflet.js",
        "map/static/vendor/leaflet.markercluster/leaflet.markercluster.js",
        "map/static/sections-map.js",
        "map/static/vendor/leaflet/leaflet.css",
    ):
        assert f'"{asset}"' in html
        served = await client.get(f"/{asset}")
        assert served.status_code == 200, asset
    for licence in ("leaflet/LICENSE", "leaflet.markercluster/MIT-LICENCE.txt"):
        assert (await client.get(f"/map/static/vendor/{licence}")).status_code == 200


async def test_country_outlines_are_served_as_geojson(client: httpx.AsyncClient) -> None:
    response = await client.get("/map/countries.geojson")
    assert response.status_code == 200
    outlines = response.json()
    assert len(outlines["features"]) == 177
    assert geojson.loads(response.text).is_valid
    names = {feature["properties"]["name"] for feature in outlines["features"]}
    assert {"Germany", "Cameroon", "Fiji"} <= names


# --- placing sections ---------------------------------------------------------------------------


def test_every_seed_country_has_its_capital_on_file() -> None:
    assert capitals()["DE"].city == "Berlin"
    assert capitals()["CM"].region == "Africa"
    assert capitals()["AF"].region == "South Asia"
    assert (round(capitals()["US"].lat), round(capitals()["US"].lng)) == (39, -77)
    assert len(capitals()) > 240


async def test_demo_sections_are_placed_at_their_capitals_once(app: Any) -> None:
    germany = await factories.section("wilpf-germany", country_code="DE")
    us = await factories.section("wilpf-us", country_code="US")
    assert await place_unplaced_sections() == 2
    berlin = await SectionLocation.get(section_id=germany.id)
    assert (berlin.city, round(berlin.lat, 1), round(berlin.lng, 1)) == ("Berlin", 52.5, 13.4)
    assert (await SectionLocation.get(section_id=us.id)).city == "Washington"
    # A second run moves nothing and adds nothing.
    await SectionLocation.filter(section_id=germany.id).update(city="Bonn", lat=50.7, lng=7.1)
    assert await place_unplaced_sections() == 0
    assert (await SectionLocation.get(section_id=germany.id)).city == "Bonn"
