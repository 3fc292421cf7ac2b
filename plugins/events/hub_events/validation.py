"""Checks on event data, raising Tortoise's ``ValidationError`` with a message for the editor."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pycountry
from tortoise.exceptions import ValidationError

import hub


def check_slug(value: str) -> None:
    """The hub's slug rule (the one its lookups check too), with an event for the example."""
    try:
        hub.check_slug(value)
    except ValueError as error:
        raise ValidationError(f"{error}, such as ipb-congress-2021") from None


def check_country_code(value: str) -> None:
    """ISO 3166-1 alpha-2 in upper case, or blank for an event without a place (online)."""
    if value and (value != value.upper() or pycountry.countries.get(alpha_2=value) is None):
        raise ValidationError(
            f"country_code {value!r} is not an ISO 3166-1 alpha-2 code such as ES or DE"
        )


def check_url(value: str) -> None:
    if not value:
        return
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValidationError(f"url {value!r} must be an absolute http(s) address")


def check_aware(name: str, moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValidationError(
            f"{name} {moment.isoformat()} has no timezone: give an offset or a zone, "
            "such as 2021-10-15T09:00+02:00"
        )


def check_timezone(value: str) -> None:
    """An IANA time zone name, such as Europe/Madrid or America/New_York (the hub's rule)."""
    try:
        hub.check_time_zone(value)
    except ValueError as error:
        raise ValidationError(f"timezone {error}") from None


def starts_a_day(moment: datetime, zone: ZoneInfo) -> bool:
    """Whether ``moment`` is the first instant of a day in ``zone``: its midnight, or 01:00
    where summer time skips midnight (Chile, Cuba, Lebanon: those days have no 00:00)."""
    just_before = (moment - timedelta(microseconds=1)).astimezone(zone)
    return just_before.date() < moment.astimezone(zone).date()


def check_period(
    starts_at: datetime, ends_at: datetime, timezone: str = "UTC", all_day: bool = False
) -> None:
    """Both ends are timezone-aware and the event does not end before it starts.

    An all-day event starts at midnight of its first day and ends at midnight after its last
    day, both in its own time zone, so that its dates are the same wherever it is looked at.
    """
    check_aware("starts_at", starts_at)
    check_aware("ends_at", ends_at)
    check_timezone(timezone)
    if ends_at < starts_at:
        raise ValidationError(
            f"An event cannot end before it starts: ends_at {ends_at.isoformat()} is before "
            f"starts_at {starts_at.isoformat()}."
        )
    if not all_day:
        return
    zone = ZoneInfo(timezone)
    for name, moment in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not starts_a_day(moment, zone):
            raise ValidationError(
                f"An all-day event starts and ends at midnight in its time zone: {name} is "
                f"{moment.astimezone(zone).isoformat()} in {timezone}. End it at midnight "
                "after its last day."
            )
    if ends_at == starts_at:
        raise ValidationError(
            "An all-day event lasts at least one day: ends_at is midnight after its last day."
        )


def country_name(code: str) -> str:
    """The English short name of an ISO 3166-1 alpha-2 code (the code itself if unknown)."""
    country = pycountry.countries.get(alpha_2=code) if code else None
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)
