"""``POST /donations/webhooks/{provider}``: deliveries from payment providers.

A refused delivery (bad signature, stale timestamp, unreadable body) gets 400 and changes
nothing. An accepted one gets 200 once its events are committed, duplicates included, so the
provider stops retrying; a failure of ours is a 500, which makes the provider retry later.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hub import Settings
from hub_donations.ledger import apply_event
from hub_donations.providers import WebhookRejected
from hub_donations.runtime import runtime

logger = logging.getLogger("hub_donations.webhooks")


def webhook_routes(settings: Settings) -> list[Route]:
    async def webhook(request: Request) -> Response:
        name = request.path_params["provider"]
        donations = runtime(request.app.state.hub.plugin_manager)
        provider = donations.providers(settings).get(name)
        if provider is None:
            return JSONResponse({"error": f"No payment provider is called {name!r}."}, 404)
        try:
            events = await provider.webhook(request)
        except WebhookRejected as rejected:
            logger.warning("refused a %s webhook delivery: %s", name, rejected)
            return JSONResponse({"error": str(rejected)}, rejected.status_code)
        outcomes = [await apply_event(event, donations.broker) for event in events]
        return JSONResponse({"received": len(events), "outcomes": [str(o) for o in outcomes]})

    return [
        Route("/donations/webhooks/{provider}", webhook, methods=["POST"], name="donations_webhook")
    ]
