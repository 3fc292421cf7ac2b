"""The donations plugin's hook implementations: everything it adds to the hub."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import pluggy
from starlette.routing import BaseRoute
from strawberry.types.scalar import ScalarDefinition

from hub import (
    ContentType,
    LoaderFactory,
    ModelApp,
    PluginMetadata,
    Scope,
    Setting,
    Settings,
    hookimpl,
)
from hub_donations import (
    content,
    demo,
    embed,
    hookspecs,
    loaders,
    money,
    mutations,
    permissions,
    queries,
    settings,
    subscriptions,
    svg,
    types,
    webhooks,
)
from hub_donations import settings as settings_module
from hub_donations.offline import OfflineProvider
from hub_donations.providers import PaymentProvider
from hub_donations.readiness import redis_check
from hub_donations.runtime import RUNTIME_NAME, DonationsRuntime
from hub_donations.stripe import StripeProvider


@hookimpl
def plugin_metadata() -> PluginMetadata:
    return PluginMetadata(shared_settings=("HUB_REDIS_URL",))


@hookimpl
def add_hookspecs(plugin_manager: pluggy.PluginManager) -> None:
    plugin_manager.add_hookspecs(hookspecs)
    if plugin_manager.get_plugin(RUNTIME_NAME) is None:
        plugin_manager.register(DonationsRuntime(plugin_manager), name=RUNTIME_NAME)


@hookimpl
def register_content_types() -> Sequence[ContentType]:
    return [content.CAMPAIGN]


@hookimpl
def register_payment_providers(settings: Settings) -> Sequence[PaymentProvider]:
    from hub_donations.settings import STRIPE_API_BASE, STRIPE_API_KEY, STRIPE_WEBHOOK_SECRET, text

    return [
        OfflineProvider(),
        StripeProvider(
            api_key=text(settings, STRIPE_API_KEY),
            webhook_secret=text(settings, STRIPE_WEBHOOK_SECRET),
            api_base=text(settings, STRIPE_API_BASE),
        ),
    ]


@hookimpl(optionalhook=True)
def register_scopes() -> Sequence[Scope]:
    return permissions.SCOPES


@hookimpl
def readiness_checks(settings: Settings) -> Mapping[str, Callable[[], Awaitable[str | None]]]:
    # Donation streams cross processes through Redis when HUB_REDIS_URL is set.
    return redis_check(settings_module.text(settings, settings_module.REDIS_URL))


@hookimpl
def register_settings() -> Sequence[Setting[Any]]:
    return settings.DECLARED


@hookimpl
def register_models() -> Sequence[ModelApp]:
    return [ModelApp(label="donations", modules=("hub_donations.models",))]


@hookimpl
def register_types() -> Sequence[type]:
    return [types.CampaignType]


@hookimpl
def register_scalars() -> Mapping[object, ScalarDefinition]:
    return {money.MinorUnits: money.MINOR_UNITS}


@hookimpl
def register_type_extensions() -> Mapping[str, Sequence[type]]:
    return {
        "Section": [types.SectionCampaignFields],
        "Post": [types.PostCampaignFields],
        "Campaign": [types.EDITED.fields],
    }


@hookimpl
def register_queries() -> Sequence[type]:
    return [queries.DonationQueries]


@hookimpl
def register_mutations() -> Sequence[type]:
    return [mutations.DonationMutations, *types.EDITED.mutations]


@hookimpl
def register_subscriptions() -> Sequence[type]:
    return [subscriptions.DonationSubscriptions]


@hookimpl
def register_dataloaders() -> Mapping[str, LoaderFactory]:
    return {**loaders.dataloaders(), **types.EDITED.loaders}


@hookimpl
def register_routes(settings: Settings) -> Sequence[BaseRoute]:
    return [*svg.svg_routes(settings), *webhooks.webhook_routes(settings)]


@hookimpl(optionalhook=True)
def register_oembed_resources(settings: Settings) -> Sequence[embed.CampaignEmbed]:
    # The delivery plugin's hook: campaign pages embed as their progress bar.
    pattern = settings.get(settings_module.CAMPAIGN_URL)
    return [embed.CampaignEmbed(pattern, settings)] if pattern else []


@hookimpl
async def load_demo_content() -> None:
    await demo.load_demo_campaign()
