# mypy: disable-error-code="empty-body"
"""Hooks the donations plugin publishes (through ``add_hookspecs``) for payment providers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from hub import Settings
    from hub_donations.providers import PaymentProvider

hookspec = pluggy.HookspecMarker("hub")


@hookspec
def register_payment_providers(settings: Settings) -> Sequence[PaymentProvider]:
    """Offer payment providers: objects with ``name``, ``start(donation)`` and ``webhook(request)``.

    Their webhooks are served at ``POST /donations/webhooks/<name>``. A name offered twice stops
    start-up naming both plugins. Mark the implementation ``@hookimpl(optionalhook=True)`` so
    your plugin still loads when the donations plugin is disabled.
    """
