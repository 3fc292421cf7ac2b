"""How Python's garbage collector runs while the hub serves requests."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

#: Allocations, net of frees, between two collections of the youngest generation. Python's
#: default, 700, is less than a front page has alive at its peak: the collector ran about once
#: per request, walking that request's live objects, for ~3 % of a front page's instructions
#: (5 % with 20 requests in flight). Requests leave few cycles behind (their loaders are
#: cleared once the response is sent), so the garbage collections find is a few MB at most.
YOUNG_THRESHOLD = 10_000


@contextmanager
def tuned_for_serving() -> Iterator[None]:
    """Freeze what start-up made and collect the youngest generation less often, until exit.

    The ~100,000 objects of start-up (schema, plugins, ORM) live as long as the process: moved
    out of the collector's reach, full collections stop walking them every few dozen requests
    (measured by `make bench`: p99 96 ms -> 19 ms in-process).
    """
    gc.collect()
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        # An app that stops in a living process (tests) must leave the collector as it was.
        gc.set_threshold(*thresholds)
        gc.unfreeze()
