"""Applying provider events to donations and campaign totals, exactly once, in any order.

Each event is one transaction:

1. insert its id into ``ProcessedEvent`` first: a redelivered event fails on the unique key and
   changes nothing (this first write also takes SQLite's write lock before anything is read);
2. lock the donation row (``SELECT ... FOR UPDATE`` on PostgreSQL), fold the event into its
   facts (``hub_donations.state``) and store them;
3. move the campaign's totals by the difference, with SQL-side arithmetic
   (``raised = raised + delta``), never read-modify-write.

Subscribers hear the new totals after the commit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from hub_donations.broker import ProgressBroker
from hub_donations.models import CampaignTotals, Donation, ProcessedEvent
from hub_donations.progress import Progress, load_progress
from hub_donations.providers import ProviderEvent
from hub_donations.state import DonationFacts

logger = logging.getLogger("hub_donations.ledger")


class Outcome(StrEnum):
    APPLIED = "applied"  # the donation changed (and perhaps its campaign's totals)
    UNCHANGED = "unchanged"  # a new event that changed nothing (a late success after a refund)
    DUPLICATE = "duplicate"  # this event id was processed before
    UNKNOWN = "unknown"  # no donation has this reference: a payment not started here


@dataclass(frozen=True)
class Applied:
    outcome: Outcome
    progress: Progress | None = None


class _Discard(Exception):
    """Leaves the transaction rolled back, with this outcome."""

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome


def facts_of(donation: Donation) -> DonationFacts:
    return DonationFacts(
        amount=donation.amount,
        paid=donation.paid,
        failed=donation.failed,
        refunded_amount=donation.refunded_amount,
    )


async def _apply(event: ProviderEvent) -> Applied:
    async with in_transaction() as connection:
        try:
            await ProcessedEvent.create(
                provider=event.provider, event_id=event.event_id, using_db=connection
            )
        except IntegrityError:
            raise _Discard(Outcome.DUPLICATE) from None
        donation = (
            await Donation.filter(provider=event.provider, provider_reference=event.reference)
            .select_for_update()
            .using_db(connection)
            .first()
        )
        if donation is None:
            # Leave no trace, so the event is applied if it is delivered again after the
            # donation exists; a payment of something else on the same account stays ignored.
            raise _Discard(Outcome.UNKNOWN)
        before = facts_of(donation)
        after = before.apply(event.kind, event.refunded_amount)
        if after == before:
            return Applied(Outcome.UNCHANGED)
        changes: dict[str, object] = {
            "paid": after.paid,
            "failed": after.failed,
            "refunded_amount": after.refunded_amount,
            "status": after.status,
            "updated_at": datetime.now(UTC),
        }
        if after.paid and not before.paid:
            changes["succeeded_at"] = datetime.now(UTC)
        await Donation.filter(id=donation.id).using_db(connection).update(**changes)
        raised = after.contribution - before.contribution
        counted = after.counts - before.counts
        if raised or counted:
            await (
                CampaignTotals.filter(campaign_id=donation.campaign_id)
                .using_db(connection)
                .update(
                    raised=F("raised") + raised,
                    donation_count=F("donation_count") + counted,
                    updated_at=datetime.now(UTC),
                )
            )
        campaign_id = donation.campaign_id
        moved = bool(raised or counted)
    progress = await load_progress(campaign_id) if moved else None
    return Applied(Outcome.APPLIED, progress)


async def apply_event(event: ProviderEvent, broker: ProgressBroker) -> Outcome:
    """Apply one event (see the module's docstring) and tell subscribers of new totals."""
    try:
        applied = await _apply(event)
    except _Discard as discarded:
        return discarded.outcome
    if applied.progress is not None:
        try:
            await broker.publish(applied.progress)
        except Exception:
            # The donation is committed; a subscriber missing one update sees the next.
            logger.exception("could not publish progress of %r", applied.progress.slug)
    return applied.outcome
