"""The persisted queue: deliveries enqueued on committed events, claimed, and settled.

Several server processes may send from the same table: a delivery is claimed by moving its
``next_attempt_at`` past the attempt's end, only if nobody moved it first, so one process sends
it at a time. A process that dies mid-attempt leaves the lease to expire, and another (or the
same one, restarted) sends it again: delivery is at least once, and ``Hub-Delivery`` lets a
receiver drop a repeat.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatchcase

import orjson
from tortoise.transactions import in_transaction

from hub import ContentEvent
from hub_webhooks.models import Delivery, DeliveryStatus, Subscriber


def wants(subscriber: Subscriber, kind: str) -> bool:
    patterns = [pattern.strip() for pattern in subscriber.events.split(",") if pattern.strip()]
    return any(fnmatchcase(kind, pattern) for pattern in patterns)


def event_body(event: ContentEvent, created: datetime) -> bytes:
    return orjson.dumps(
        {
            "event": event.kind.value,
            "created": created.isoformat(),
            "data": {
                "type": event.type_name,
                "id": event.pk,
                "slug": event.slug,
                "changes": event.changes,
            },
        },
        default=str,
    )


async def enqueue(events: Sequence[ContentEvent]) -> int:
    """A pending delivery per event and subscriber that wants it; how many were added."""
    subscribers = await Subscriber.all()
    if not subscribers:
        return 0
    now = datetime.now(UTC)
    deliveries = [
        Delivery(
            subscriber_id=subscriber.id,
            event=event.kind.value,
            body=event_body(event, now).decode(),
            next_attempt_at=now,
        )
        for event in events
        for subscriber in subscribers
        if wants(subscriber, event.kind.value)
    ]
    if deliveries:
        async with in_transaction():
            await Delivery.bulk_create(deliveries, batch_size=500)
    return len(deliveries)


async def claim_due(limit: int, lease: float) -> list[Delivery]:
    """Pending deliveries that are due, each claimed for ``lease`` seconds by this process."""
    now = datetime.now(UTC)
    due = (
        await Delivery.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .limit(limit)
        .prefetch_related("subscriber")
    )
    until = now + timedelta(seconds=lease)
    claimed = []
    for delivery in due:
        moved = await Delivery.filter(
            id=delivery.id,
            status=DeliveryStatus.PENDING,
            next_attempt_at=delivery.next_attempt_at,
        ).update(next_attempt_at=until)
        if moved:
            claimed.append(delivery)
    return claimed


async def settle(
    delivery: Delivery,
    delivered: bool,
    status_code: int | None,
    error: str | None,
    retry_in: float | None,
) -> None:
    """Record an attempt: delivered, due again in ``retry_in`` seconds, or failed for good."""
    now = datetime.now(UTC)
    attempts = delivery.attempts + 1
    if delivered:
        status, next_attempt = DeliveryStatus.DELIVERED, now
    elif retry_in is None:
        status, next_attempt = DeliveryStatus.FAILED, now
    else:
        status, next_attempt = DeliveryStatus.PENDING, now + timedelta(seconds=retry_in)
    await Delivery.filter(id=delivery.id).update(
        status=status,
        attempts=attempts,
        next_attempt_at=next_attempt,
        last_status_code=status_code,
        last_error=error,
        delivered_at=now if delivered else None,
    )
