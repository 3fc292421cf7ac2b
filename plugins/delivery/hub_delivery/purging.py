"""Content events become ``purge_cache`` calls, in servers and in CLI commands alike.

One :class:`CachePurges` is registered on each plugin manager (``add_hookspecs``), so ``hub
import`` purges the shared caches (Varnish, a CDN) as a mutation does. Changes other processes
committed (``event.remote``) arrive as ``purge_cache(keys, remote=True)``: caches kept in this
process forget them, shared caches were purged by the committing process.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pluggy

from hub import ContentEvent, ContentTypes, Settings, call_each_async, content_types, hookimpl
from hub_delivery import settings as delivery_settings
from hub_delivery.keys import QUERY_KEY
from hub_delivery.shared_caches import configured

logger = logging.getLogger("hub.delivery")

PURGES_NAME = "delivery.purges"


def purge_keys_for(events: Sequence[ContentEvent], types: ContentTypes | None = None) -> list[str]:
    """The cache tags a batch of changes makes stale.

    The type key goes too, not only the node's: a new, re-dated or re-themed post changes lists
    that did not name it before. ``Query`` tags answers that name no content type at all. A
    declared type that is ``part_of`` another (a section's map location) is shown on that
    object, whose id its events carry: the owner's keys go as well.
    """
    keys: dict[str, None] = {QUERY_KEY: None}
    for event in events:
        keys[event.type_name] = None
        keys[f"{event.type_name}:{event.pk}"] = None
        if event.public_id is not None:
            # Answers are tagged by the IDs in them, which carry public ids (hub.node_key).
            keys[f"{event.type_name}:{event.public_id}"] = None
        declared = types.get(event.type_name) if types is not None else None
        owner = declared.owner_type if declared is not None else None
        if owner is not None:
            keys[owner] = None
            keys[f"{owner}:{event.pk}"] = None
            if event.public_id is not None:
                keys[f"{owner}:{event.public_id}"] = None
    return list(keys)


class CachePurges:
    def __init__(self, plugin_manager: pluggy.PluginManager) -> None:
        self.plugin_manager = plugin_manager
        self.shared: list[object] | None = None
        self.settings: Settings | None = None
        self._types: ContentTypes | None = None

    def content_types(self) -> ContentTypes:
        """The declared types, read once: which ones are part of another."""
        if self._types is None:
            settings = self.settings or Settings.from_env(declared=delivery_settings.DECLARED)
            self._types = content_types(self.plugin_manager, settings)
        return self._types

    def configure(self, settings: Settings) -> None:
        """Register the shared caches ``settings`` name (once; a server does it at start-up)."""
        if self.shared is not None:
            return
        self.settings = settings
        self.shared = configured(settings)
        for purger in self.shared:
            self.plugin_manager.register(purger, name=f"{PURGES_NAME}.{type(purger).__name__}")

    @hookimpl
    async def content_events(self, events: Sequence[ContentEvent]) -> None:
        if self.shared is None:
            # A CLI command: no start-up hook ran; its settings are the environment's.
            self.configure(Settings.from_env(declared=delivery_settings.DECLARED))
        if events:
            keys = purge_keys_for(events, self.content_types())
            await self.purge(keys, remote=events[0].remote)

    async def purge(self, keys: Sequence[str], remote: bool = False) -> None:
        """Call every ``purge_cache`` implementation; one failing is logged, naming the plugin,
        and never stops the others (the content is committed already)."""
        await call_each_async(
            self.plugin_manager, "purge_cache", isolate=True, keys=keys, remote=remote
        )


def cache_purges(pm: pluggy.PluginManager) -> CachePurges:
    found = pm.get_plugin(PURGES_NAME)
    if not isinstance(found, CachePurges):
        found = CachePurges(pm)
        pm.register(found, name=PURGES_NAME)
    return found
