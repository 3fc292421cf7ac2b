"""Before any timing: every server must give the hub's answers, or the comparison is void."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from bench.queries import Operation


class AnswersDiffer(RuntimeError):
    """A server answered an operation differently from the hub; the message shows both."""


@dataclass(frozen=True)
class Comparison:
    operation: str
    equal: bool
    note: str
    server: str = "baseline"

    def as_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "server": self.server,
            "equal": self.equal,
            "note": self.note,
        }


def fetch(base_url: str, operation: Operation) -> Any:
    with httpx.Client(base_url=base_url, timeout=30.0) as client:
        response = client.request(
            operation.method,
            operation.path(),
            content=operation.body() if operation.method == "POST" else None,
            headers={"content-type": "application/json", "accept": "application/json"},
        )
    if response.status_code != 200:
        raise AnswersDiffer(f"{operation.label}: {base_url} answered {response.status_code}")
    return response.json()


def register_persisted(base_url: str, operation: Operation) -> None:
    """Send a persisted query's document with its hash once, as a client does after a miss."""
    with httpx.Client(base_url=base_url, timeout=30.0) as client:
        response = client.get(operation.path(with_document=True))
    if response.status_code != 200 or "errors" in response.json():
        raise AnswersDiffer(
            f"{operation.label}: {base_url} refused the document: {response.text[:500]}"
        )


def _edges(answer: Any, field: str) -> list[Any]:
    edges: list[Any] = answer["data"][field]["edges"]
    return edges


def require_equal(
    operation: Operation, hub: Any, baseline: Any, server: str = "baseline"
) -> Comparison:
    """Same data, same order, same nested lists; anything else stops the run."""
    if "errors" in hub or hub != baseline:
        raise AnswersDiffer(
            f"{operation.label}: the hub and {server} answer differently.\n"
            f"hub:      {str(hub)[:2000]}\n{server}: {str(baseline)[:2000]}"
        )
    if operation.name == "FrontPage" and not _edges(hub, "posts"):
        raise AnswersDiffer(f"{operation.label}: no posts at all; is the database empty?")
    return Comparison(operation.key, True, "identical JSON", server)


def compare_search(
    operation: Operation, hub: Any, baseline: Any, server: str = "baseline"
) -> Comparison:
    """Search must find something; a different ranking is recorded, not fatal.

    The baseline ranks like the plugin (the newest matches, bm25), but the plugin also corrects
    typos and may change its ranking: the run goes on and says how many results are shared.
    """
    if "errors" in hub:
        raise AnswersDiffer(f"{operation.label}: the hub answered with errors: {hub['errors']}")
    hub_slugs = [edge["node"]["slug"] for edge in _edges(hub, "search")]
    baseline_slugs = [edge["node"]["slug"] for edge in _edges(baseline, "search")]
    if not hub_slugs or not baseline_slugs:
        raise AnswersDiffer(
            f"{operation.label}: no results (hub {len(hub_slugs)}, {server} {len(baseline_slugs)})"
        )
    if hub == baseline:
        return Comparison(operation.key, True, "identical JSON", server)
    shared = len(set(hub_slugs) & set(baseline_slugs))
    note = f"different ranking: {shared} of {len(hub_slugs)} results shared"
    return Comparison(operation.key, False, note, server)


def check(operation: Operation, by_server: dict[str, Any]) -> list[Comparison]:
    """Every server's answer against the hub's (``by_server["hub"]``); the first that differs
    stops the run (search may rank differently, which is recorded)."""
    hub = by_server["hub"]
    compare = compare_search if operation.key == "search" else require_equal
    return [
        compare(operation, hub, answer, server)
        for server, answer in by_server.items()
        if server != "hub"
    ]
