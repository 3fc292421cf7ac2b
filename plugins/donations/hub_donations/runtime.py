"""What the donations plugin keeps per running hub: its payment providers and progress broker.

Payment providers come from the ``register_payment_providers`` hook, which needs the plugin
manager; only ``add_hookspecs`` receives it. So the plugin registers one
:class:`DonationsRuntime` per plugin manager (each app, each test, the CLI get their own), and
resolvers, routes and commands reach it through the plugin manager they already have.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, cast

import pluggy

from hub import PluginError, Settings, hookimpl, plugin_calls
from hub_donations.broker import LocalBroker, ProgressBroker, RedisBroker
from hub_donations.providers import PaymentProvider
from hub_donations.settings import REDIS_URL, text

if TYPE_CHECKING:
    import typer
    from starlette.applications import Starlette

RUNTIME_NAME = "donations.runtime"


def payment_providers(pm: pluggy.PluginManager, settings: Settings) -> dict[str, PaymentProvider]:
    """Every provider offered through ``register_payment_providers``; a name offered twice fails."""
    providers: dict[str, PaymentProvider] = {}
    owners: dict[str, str] = {}
    for plugin, offered in plugin_calls(pm, "register_payment_providers", settings=settings):
        for provider in cast("Sequence[PaymentProvider]", offered):
            if provider.name in owners:
                raise PluginError(
                    f"Plugins {owners[provider.name]!r} and {plugin!r} both offer the "
                    f"payment provider {provider.name!r}: rename one of them."
                )
            owners[provider.name] = plugin
            providers[provider.name] = provider
    return providers


class DonationsRuntime:
    def __init__(self, plugin_manager: pluggy.PluginManager) -> None:
        self.plugin_manager = plugin_manager
        #: In-process until start-up says otherwise (HUB_REDIS_URL).
        self.broker: ProgressBroker = LocalBroker()
        self._providers: dict[str, PaymentProvider] | None = None

    def providers(self, settings: Settings) -> Mapping[str, PaymentProvider]:
        if self._providers is None:
            self._providers = payment_providers(self.plugin_manager, settings)
        return self._providers

    @hookimpl
    async def startup(self, app: Starlette, settings: Settings) -> None:
        url = text(settings, REDIS_URL)
        if url:
            broker = RedisBroker(url)
            await broker.start()
            self.broker = broker
        self.providers(settings)  # a provider clash stops start-up, not the first donation

    @hookimpl
    async def shutdown(self, app: Starlette, settings: Settings) -> None:
        await self.broker.stop()
        self.broker = LocalBroker()

    @hookimpl
    def register_commands(self, cli: typer.Typer) -> None:
        from hub_donations.export import register

        register(cli)


def runtime(pm: pluggy.PluginManager) -> DonationsRuntime:
    found = pm.get_plugin(RUNTIME_NAME)
    if not isinstance(found, DonationsRuntime):
        raise PluginError("The donations plugin is not registered on this hub.")
    return found
