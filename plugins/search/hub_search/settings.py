"""The settings the search plugin reads."""

from __future__ import annotations

from typing import Any

from hub import Setting

RANK_WINDOW = "HUB_SEARCH_RANK_WINDOW"


def _at_least_hundred(value: int) -> None:
    if value < 100:
        raise ValueError("must be at least 100")


DECLARED: tuple[Setting[Any], ...] = (
    Setting(
        RANK_WINDOW,
        int,
        1000,
        "Rank (and count facets over) at most this many of the most recently indexed "
        "matches of a query; larger values rank more, slower.",
        _at_least_hundred,
    ),
)
