# mypy: disable-error-code="empty-body"
"""Hooks the delivery plugin publishes (through ``add_hookspecs``) for CDN plugins."""

from __future__ import annotations

from collections.abc import Awaitable, Sequence

import pluggy

hookspec = pluggy.HookspecMarker("hub")


@hookspec
def purge_cache(keys: Sequence[str]) -> Awaitable[None] | None:
    """Forget cached GraphQL answers tagged with any of ``keys``; may be async.

    Keys are the ones sent in the ``Surrogate-Key`` header: type keys (``Post``) and node keys
    (``Post:12``), plus ``Query`` for answers that name no content type. Called after content
    was committed. A CDN plugin implements it with the CDN's purge-by-tag API; the delivery
    plugin's in-process response cache implements it too. Mark the implementation
    ``@hookimpl(optionalhook=True)`` so your plugin still loads without the delivery plugin.
    """
