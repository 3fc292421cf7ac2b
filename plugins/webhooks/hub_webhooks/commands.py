"""``hub webhooks``: subscribers and their deliveries, from the command line."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import urlsplit

import typer
from rich.console import Console
from rich.table import Table

from hub import CommandError, run_in_database
from hub_webhooks.models import Delivery, DeliveryStatus, Subscriber

webhooks_cli = typer.Typer(
    help="Outgoing webhooks: who receives content events.", no_args_is_help=True
)


@webhooks_cli.command("add")
def add(
    url: Annotated[str, typer.Argument(help="Where to POST events: an http(s) URL.")],
    events: Annotated[
        str, typer.Option(help="Comma-separated event patterns, e.g. post.* or post.published.")
    ] = "*",
    secret: Annotated[
        str | None, typer.Option(help="Signing secret (default: a new random one, shown once).")
    ] = None,
) -> None:
    """Subscribe a URL to content events; prints its id and signing secret."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CommandError(f"URL must be an absolute http(s) URL, got {url!r}")
    patterns = [pattern.strip() for pattern in events.split(",") if pattern.strip()]
    if not patterns:
        raise CommandError("--events needs at least one pattern, such as post.* or *")
    signing_secret = secret or "whsec_" + secrets.token_urlsafe(32)
    if len(signing_secret) < 16:
        raise CommandError("--secret must be at least 16 characters")

    async def work() -> Subscriber:
        return await Subscriber.create(url=url, events=",".join(patterns), secret=signing_secret)

    subscriber = run_in_database(work)
    console = Console()
    console.print(
        f"Subscriber {subscriber.id}: {url} receives {subscriber.events}", highlight=False
    )
    console.print(f"Signing secret: {signing_secret}", highlight=False, soft_wrap=True)


@webhooks_cli.command("list")
def list_subscribers() -> None:
    """Subscribers, their event patterns and their pending deliveries."""

    async def work() -> list[tuple[Subscriber, int]]:
        subscribers = await Subscriber.all().order_by("id")
        return [
            (
                subscriber,
                await Delivery.filter(
                    subscriber_id=subscriber.id, status=DeliveryStatus.PENDING
                ).count(),
            )
            for subscriber in subscribers
        ]

    rows = run_in_database(work)
    console = Console()
    if not rows:
        console.print("No subscribers: add one with `hub webhooks add URL`.")
        return
    table = Table("id", "url", "events", "pending")
    for subscriber, pending in rows:
        table.add_row(str(subscriber.id), subscriber.url, subscriber.events, str(pending))
    console.print(table)


@webhooks_cli.command("remove")
def remove(
    subscriber_id: Annotated[int, typer.Argument(help="The id `hub webhooks list` shows.")],
) -> None:
    """Remove a subscriber and its deliveries."""

    async def work() -> int:
        return await Subscriber.filter(id=subscriber_id).delete()

    if not run_in_database(work):
        raise CommandError(f"no subscriber has the id {subscriber_id}")
    Console().print(f"Removed subscriber {subscriber_id}.")


@webhooks_cli.command("deliveries")
def deliveries(
    subscriber_id: Annotated[
        int | None, typer.Option("--subscriber", help="Only this subscriber's.")
    ] = None,
    status: Annotated[
        DeliveryStatus | None, typer.Option(help="Only pending, delivered or failed ones.")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many, newest first.")] = 50,
) -> None:
    """The delivery log: each event owed to a subscriber, its attempts and latest outcome."""

    async def work() -> list[Delivery]:
        query = Delivery.all()
        if subscriber_id is not None:
            query = query.filter(subscriber_id=subscriber_id)
        if status is not None:
            query = query.filter(status=status)
        return await query.order_by("-id").limit(limit)

    rows = run_in_database(work)
    table = Table("id", "subscriber", "event", "status", "attempts", "last answer", "next attempt")
    for delivery in rows:
        last = str(delivery.last_status_code or "") or (delivery.last_error or "")
        if delivery.last_status_code and delivery.last_error:
            last = delivery.last_error
        upcoming = (
            delivery.next_attempt_at.isoformat(timespec="seconds")
            if delivery.status == DeliveryStatus.PENDING
            else ""
        )
        table.add_row(
            str(delivery.id),
            str(delivery.subscriber_id),  # type: ignore[attr-defined]
            delivery.event,
            delivery.status.value,
            str(delivery.attempts),
            last,
            upcoming,
        )
    Console().print(table)


def register(cli: typer.Typer) -> None:
    cli.add_typer(webhooks_cli, name="webhooks")
