"""One running hub's delivery state, registered on its plugin manager at start-up.

The persisted queries, the response cache and the document analyser belong to one application
(tests start many), so they live on an object kept on ``app.state`` rather than in module
globals; that object is also the plugin implementing ``purge_cache`` for the response cache.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import cast

import pluggy
from graphql import GraphQLSchema

from hub import PluginError, Settings, hookimpl, plugin_calls
from hub_delivery import settings as delivery_settings
from hub_delivery.hookspecs import OEmbedResource
from hub_delivery.keys import OperationAnalyser
from hub_delivery.persisted import PersistedQueries, SharedDocuments
from hub_delivery.public_urls import UrlPattern
from hub_delivery.response_cache import ResponseCache
from hub_delivery.widget import BUILTIN_OPERATIONS

STATE_KEY = "hub_delivery"


def oembed_resources(
    plugin_manager: pluggy.PluginManager, settings: Settings
) -> list[tuple[UrlPattern, OEmbedResource]]:
    """Every plugin's embeddable pages, in the order the plugins were registered."""
    resources: list[tuple[UrlPattern, OEmbedResource]] = []
    for plugin, offered in plugin_calls(
        plugin_manager, "register_oembed_resources", settings=settings
    ):
        for resource in cast("Sequence[OEmbedResource]", offered):
            try:
                pattern = UrlPattern(resource.url_pattern)
            except ValueError as error:
                raise PluginError(
                    f"Plugin {plugin!r} offers an oEmbed resource whose url_pattern "
                    f"is not usable: {error}"
                ) from None
            resources.append((pattern, resource))
    return resources


class Delivery:
    def __init__(
        self, settings: Settings, plugin_manager: pluggy.PluginManager, schema: GraphQLSchema
    ) -> None:
        self.plugin_manager = plugin_manager
        self.default_max_age = delivery_settings.max_age(settings)
        self.type_max_ages: Mapping[str, int] = delivery_settings.type_max_ages(settings)
        self.allowlist = delivery_settings.allowlist_enabled(settings)
        redis_url = delivery_settings.redis_url(settings)
        self.queries = PersistedQueries(
            delivery_settings.persisted_query_entries(settings),
            dict(BUILTIN_OPERATIONS),
            shared=SharedDocuments(
                redis_url,
                settings.shared_namespace,
                delivery_settings.persisted_query_ttl(settings),
            )
            if redis_url
            else None,
        )
        self.cache = ResponseCache(delivery_settings.response_cache_entries(settings))
        self.analyser = OperationAnalyser(schema)
        self.oembed_resources = oembed_resources(plugin_manager, settings)

    async def close(self) -> None:
        if self.queries.shared is not None:
            await self.queries.shared.close()

    @hookimpl
    def purge_cache(self, keys: Sequence[str]) -> None:
        # Every purge, remote ones too: these answers live in this process only.
        self.cache.purge(keys)

    @hookimpl
    def content_events_listening(self, listening: bool) -> None:
        # Changes other processes commit while this one cannot hear them would stay cached
        # until their max-age: answer uncached until it hears again, then start afresh.
        self.cache.forget_all(keep=listening)
