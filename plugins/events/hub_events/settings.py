"""The environment variables the events plugin reads."""

from __future__ import annotations

import re
from typing import Any

from hub import Setting, Settings

CALENDAR_NAME = "HUB_EVENTS_CALENDAR_NAME"
UID_DOMAIN = "HUB_EVENTS_UID_DOMAIN"

_DOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValueError("must not be blank")


def _domain(value: str) -> None:
    if value and not _DOMAIN.fullmatch(value):
        raise ValueError("must be a lower-case host name such as example.org")


DECLARED: tuple[Setting[Any], ...] = (
    Setting(
        CALENDAR_NAME,
        str,
        "Events",
        "Name calendar apps show for /events/calendar.ics.",
        _not_blank,
    ),
    Setting(
        UID_DOMAIN,
        str,
        "",
        "Domain in calendar event UIDs (event-<slug>@<domain>); set it when the site answers "
        "on several host names, so calendar apps never see one event twice (default: the "
        "host name of the request).",
        _domain,
    ),
)


def calendar_name(settings: Settings) -> str:
    name: str = settings.get(CALENDAR_NAME)
    return name


def uid_domain(settings: Settings) -> str:
    domain: str = settings.get(UID_DOMAIN)
    return domain
