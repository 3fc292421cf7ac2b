"""The hub's Prometheus metrics, and what plugins use to report into them.

Served at ``/metrics`` when ``HUB_METRICS`` allows it. A plugin reports a response served from
its cache with :func:`count_response_cache`, names the operation of an answer it served without
executing it with :func:`name_operation`, and adds metrics of its own by creating them with
``prometheus_client`` (``Counter("hub_myplugin_..."``): everything in the default registry is
served, and in multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``) every worker's values are summed.
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any

from prometheus_client import Counter, Histogram

#: Label of a document whose operation has no name.
ANONYMOUS = "(anonymous)"
#: Label of requests no operation ran for (malformed, refused before GraphQL).
NO_OPERATION = "(none)"
#: Label of the names beyond :data:`MAX_OPERATION_NAMES`: clients choose names freely, and each
#: label value is a time series Prometheus keeps.
OTHER = "(other)"
MAX_OPERATION_NAMES = 200

#: Where the request's operation name waits in the ASGI scope's state for the middleware.
OPERATION_STATE_KEY = "hub_operation"

_GRAPHQL_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")

GRAPHQL_REQUESTS = Counter(
    "hub_graphql_requests",
    "GraphQL HTTP requests, by operation name and status code.",
    ["operation", "status"],
)
GRAPHQL_REQUEST_SECONDS = Histogram(
    "hub_graphql_request_duration_seconds",
    "Time from a GraphQL HTTP request's arrival to the end of its answer, by operation name.",
    ["operation"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
RESPONSE_CACHE = Counter(
    "hub_response_cache_lookups",
    "Answers looked up in a response cache, by outcome (hit or miss).",
    ["outcome"],
)
SQL_STATEMENT_SECONDS = Histogram(
    "hub_sql_statement_duration_seconds",
    "Time of each SQL statement sent through the ORM's connection (the count is the statements).",
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5),
)

_OWN_LABELS = frozenset({ANONYMOUS, NO_OPERATION, OTHER})
_seen_names: set[str] = set()


def operation_label(name: str | None) -> str:
    """The label a request's operation is counted under: its name, within bounds."""
    if name is None:
        return ANONYMOUS
    if name in _OWN_LABELS:
        return name
    if not _GRAPHQL_NAME.fullmatch(name):
        return OTHER
    if name not in _seen_names:
        if len(_seen_names) >= MAX_OPERATION_NAMES:
            return OTHER
        _seen_names.add(name)
    return name


def name_operation(state: MutableMapping[str, Any], name: str | None) -> None:
    """Count the request whose ASGI ``scope["state"]`` is ``state`` under the operation ``name``.

    The hub does it for every operation it executes; call it for an answer served otherwise
    (from a cache) when you know the operation's name.
    """
    state[OPERATION_STATE_KEY] = operation_label(name)


def operation_of(state: MutableMapping[str, Any]) -> str | None:
    """The label :func:`name_operation` gave the request, if any."""
    label: str | None = state.get(OPERATION_STATE_KEY)
    return label


def count_response_cache(hit: bool) -> None:
    """Report a lookup in a response cache: an answer found (hit) or not (miss)."""
    RESPONSE_CACHE.labels(outcome="hit" if hit else "miss").inc()
