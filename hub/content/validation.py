"""Checks for content values, shared by the models, the importer and (later) mutations."""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import available_timezones

import langcodes
import pycountry

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_LENGTH = 120


def check_slug(value: str) -> None:
    if not SLUG_PATTERN.fullmatch(value or ""):
        raise ValueError(
            f"{value!r} is not a slug: use lowercase letters, digits and single hyphens"
        )
    if len(value) > MAX_SLUG_LENGTH:
        raise ValueError(f"slug is {len(value)} characters long; the most is {MAX_SLUG_LENGTH}")


def check_country_code(value: str) -> None:
    if (
        not isinstance(value, str)
        or len(value) != 2
        or not value.isupper()
        or pycountry.countries.get(alpha_2=value) is None
    ):
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code (such as 'DE')")


def check_language_tag(value: str) -> None:
    if not isinstance(value, str) or not langcodes.tag_is_valid(value):
        raise ValueError(f"{value!r} is not a BCP 47 language tag (such as 'en' or 'pt-BR')")


def check_url(value: str) -> None:
    if value and not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
        raise ValueError(f"{value!r} is not an http(s) URL")


def check_founded_year(value: int | None) -> None:
    if value is not None and not 1800 <= value <= 2200:
        raise ValueError(f"{value} is not a plausible founding year")


@cache
def _zone_names() -> frozenset[str]:
    # The IANA names zoneinfo knows (system tzdata or the tzdata package), rather than whatever
    # ZoneInfo(name) can open: "localtime" is a file in the zone folder but names the server's
    # own zone, which is not a place anything happens in.
    return frozenset(available_timezones() - {"localtime"})


def check_time_zone(value: str) -> None:
    """An IANA time zone name, such as Europe/Madrid, America/New_York or UTC."""
    if value not in _zone_names():
        raise ValueError(
            f"{value!r} is not an IANA time zone name such as Europe/Madrid, "
            "America/New_York or UTC"
        )
