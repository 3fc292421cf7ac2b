"""The webhooks plugin's hook implementations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hub import ContentEvent, ModelApp, Setting, Settings, hookimpl
from hub_webhooks import settings as webhook_settings
from hub_webhooks.queue import enqueue
from hub_webhooks.sender import Sender
from hub_webhooks.settings import WebhookSettings

if TYPE_CHECKING:
    import typer
    from starlette.applications import Starlette

SENDER_STATE_KEY = "hub_webhooks_sender"


@hookimpl
def register_settings() -> Sequence[Setting[Any]]:
    return webhook_settings.DECLARED


@hookimpl
def register_models() -> Sequence[ModelApp]:
    return [ModelApp(label="webhooks", modules=("hub_webhooks.models",))]


@hookimpl
async def content_events(events: Sequence[ContentEvent]) -> None:
    # Only a few INSERTs here: the request that caused the events never waits for a subscriber.
    await enqueue(events)


@hookimpl
def startup(app: Starlette, settings: Settings) -> None:
    sender = Sender(WebhookSettings.of(settings))
    sender.start()
    setattr(app.state, SENDER_STATE_KEY, sender)


@hookimpl
async def shutdown(app: Starlette) -> None:
    sender: Sender | None = getattr(app.state, SENDER_STATE_KEY, None)
    if sender is not None:
        await sender.stop()


@hookimpl
def register_commands(cli: typer.Typer) -> None:
    # Imported here so serving the API never loads the CLI's machinery.
    from hub_webhooks import commands

    commands.register(cli)
