"""The background task that POSTs due deliveries, in the server's lifespan.

It never runs inside a request: the ``content_events`` hook only enqueues, so a subscriber that
is slow or down delays nobody's mutation.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import httpx
from prometheus_client import Counter

from hub_webhooks.models import Delivery
from hub_webhooks.queue import claim_due, settle
from hub_webhooks.settings import WebhookSettings
from hub_webhooks.signing import SIGNATURE_HEADER, signature_header

logger = logging.getLogger("hub.webhooks")

DELIVERIES = Counter(
    "hub_webhook_deliveries",
    "Webhook delivery attempts, by outcome: delivered, retry (failed, tried again later), "
    "failed (out of attempts).",
    ["outcome"],
)
#: Deliveries sent at once, at most.
BATCH = 20
USER_AGENT = "hub-webhooks/0.1"


class Sender:
    def __init__(self, settings: WebhookSettings) -> None:
        self.settings = settings
        self.client = httpx.AsyncClient(
            timeout=settings.timeout,
            follow_redirects=False,
            headers={"user-agent": USER_AGENT},
        )
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.create_task(self.run(), name="hub-webhooks-sender")

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        await self.client.aclose()

    async def run(self) -> None:
        while True:
            try:
                sent = await self.send_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("webhook deliveries could not be read; trying again")
                sent = 0
            if sent < BATCH:
                await asyncio.sleep(self.settings.poll)

    async def send_due(self) -> int:
        # The lease outlasts an attempt's timeout: a delivery is not sent twice at once.
        due = await claim_due(BATCH, lease=self.settings.timeout + 30)
        await asyncio.gather(*(self.send(delivery) for delivery in due))
        return len(due)

    async def send(self, delivery: Delivery) -> None:
        body = delivery.body.encode()
        headers = {
            "content-type": "application/json",
            SIGNATURE_HEADER: signature_header(delivery.subscriber.secret, body),
            "Hub-Event": delivery.event,
            "Hub-Delivery": str(delivery.id),
        }
        status_code: int | None = None
        error: str | None = None
        try:
            response = await self.client.post(
                delivery.subscriber.url, content=body, headers=headers
            )
            status_code = response.status_code
            if not response.is_success:
                error = f"answered {status_code}"
        except httpx.TimeoutException:
            error = f"no answer within {self.settings.timeout:g} s"
        except httpx.HTTPError as failure:
            error = f"{type(failure).__name__}: {failure}".strip()
        attempts = delivery.attempts + 1
        delivered = error is None
        retry_in = None
        if not delivered and attempts < self.settings.max_attempts:
            retry_in = self.settings.retry_delay(attempts)
        await settle(delivery, delivered, status_code, error, retry_in)
        outcome = "delivered" if delivered else ("retry" if retry_in is not None else "failed")
        DELIVERIES.labels(outcome=outcome).inc()
        if not delivered:
            logger.warning(
                "webhook delivery %s to %s failed (attempt %s): %s; %s",
                delivery.id,
                delivery.subscriber.url,
                attempts,
                error,
                f"retrying in {retry_in:g} s" if retry_in is not None else "giving up",
                extra={"delivery_id": delivery.id, "subscriber_id": delivery.subscriber.id},
            )
