"""The donation state machine: facts from provider events in, status and contribution out.

A provider may deliver events late, twice, or out of order (a refund before the success it
refunds). So a donation keeps *facts* that only ever grow, and everything else is derived:

- ``paid``: some event said the money arrived (a success, or a refund, which implies payment);
- ``failed``: some attempt failed (it matters only while nothing was paid);
- ``refunded_amount``: the largest cumulative refund reported (providers report the running
  total, so a late, smaller figure never undoes a larger one).

Applying events is then commutative and idempotent: every order of the same set of events
ends in the same state, and the campaign's totals move by the change in ``contribution``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from hub_donations.models import DonationStatus


class EventKind(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REFUNDED = "refunded"


@dataclass(frozen=True)
class DonationFacts:
    amount: int
    paid: bool = False
    failed: bool = False
    refunded_amount: int = 0

    def apply(self, kind: EventKind, refunded_amount: int | None = None) -> DonationFacts:
        """The facts after one event; ``refunded_amount`` is the refund's cumulative total."""
        if kind is EventKind.SUCCEEDED:
            return replace(self, paid=True)
        if kind is EventKind.FAILED:
            return replace(self, failed=True)
        # A refund without a figure refunds everything; never more than was given.
        refunded = self.amount if refunded_amount is None else min(refunded_amount, self.amount)
        return replace(self, paid=True, refunded_amount=max(self.refunded_amount, refunded))

    @property
    def status(self) -> DonationStatus:
        if self.paid:
            if self.refunded_amount >= self.amount:
                return DonationStatus.REFUNDED
            return DonationStatus.SUCCEEDED
        return DonationStatus.FAILED if self.failed else DonationStatus.PENDING

    @property
    def contribution(self) -> int:
        """What this donation adds to its campaign's ``raised``, in minor units."""
        return self.amount - self.refunded_amount if self.paid else 0

    @property
    def counts(self) -> int:
        """1 when this donation counts in ``donationCount`` (succeeded, not fully refunded)."""
        return 1 if self.status is DonationStatus.SUCCEEDED else 0
