"""The offline provider: pledges paid by bank transfer or cash, which an editor confirms."""

from __future__ import annotations

import secrets

from starlette.requests import Request

from hub_donations.providers import DonationRequest, ProviderEvent, StartResult, WebhookRejected

OFFLINE = "offline"


class OfflineProvider:
    name = OFFLINE

    async def start(self, donation: DonationRequest) -> StartResult:
        # Short enough to write on a bank transfer, random enough never to collide.
        reference = f"PLEDGE-{secrets.token_hex(5).upper()}"
        return StartResult(
            reference=reference,
            instructions=(
                f"Pay by bank transfer and quote the reference {reference}; the pledge counts "
                "towards the campaign once the money has arrived."
            ),
        )

    async def webhook(self, request: Request) -> list[ProviderEvent]:
        raise WebhookRejected(
            "Offline pledges have no webhook: an editor confirms them with the "
            "confirmPledge mutation.",
            status_code=404,
        )
