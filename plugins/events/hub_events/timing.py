"""Which events count as upcoming or past at a moment, and the order each list is read in."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tortoise.expressions import Q

from hub import Ordering, SortColumn

EARLIEST_FIRST = Ordering(
    name="event:starts_at:asc",
    columns=(SortColumn("starts_at", False, "datetime"), SortColumn("id", False, "int")),
)
LATEST_FIRST = Ordering(
    name="event:starts_at:desc",
    columns=(SortColumn("starts_at", True, "datetime"), SortColumn("id", True, "int")),
)


def when(upcoming: bool | None, now: datetime, prefix: str = "") -> Q:
    """Upcoming: not yet ended (an event in progress is upcoming); past: ended before ``now``."""
    if upcoming is None:
        return Q()
    lookup = f"{prefix}ends_at__gte" if upcoming else f"{prefix}ends_at__lt"
    condition: dict[str, Any] = {lookup: now}
    return Q(**condition)


def ordering(upcoming: bool | None) -> Ordering:
    """Upcoming and all events soonest first; past events most recent first."""
    return LATEST_FIRST if upcoming is False else EARLIEST_FIRST
