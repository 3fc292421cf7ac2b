"""The webhooks plugin's settings, and typed access to them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub import Setting, Settings

TIMEOUT = "HUB_WEBHOOKS_TIMEOUT"
MAX_ATTEMPTS = "HUB_WEBHOOKS_MAX_ATTEMPTS"
BACKOFF = "HUB_WEBHOOKS_BACKOFF"
MAX_BACKOFF = "HUB_WEBHOOKS_MAX_BACKOFF"
POLL = "HUB_WEBHOOKS_POLL"


def _positive(value: float) -> None:
    if value <= 0:
        raise ValueError("must be positive")


DECLARED: tuple[Setting[Any], ...] = (
    Setting(TIMEOUT, float, 10.0, "Seconds a subscriber has to answer one delivery.", _positive),
    Setting(MAX_ATTEMPTS, int, 8, "Attempts per delivery before it is marked failed.", _positive),
    Setting(
        BACKOFF,
        float,
        30.0,
        "Seconds before the first retry; each next retry waits twice as long.",
        _positive,
    ),
    Setting(
        MAX_BACKOFF, float, 3600.0, "Longest wait between two attempts, in seconds.", _positive
    ),
    Setting(POLL, float, 1.0, "Seconds between two looks for due deliveries.", _positive),
)


@dataclass(frozen=True)
class WebhookSettings:
    timeout: float
    max_attempts: int
    backoff: float
    max_backoff: float
    poll: float

    @classmethod
    def of(cls, settings: Settings) -> WebhookSettings:
        return cls(
            timeout=float(settings.get(TIMEOUT)),
            max_attempts=int(settings.get(MAX_ATTEMPTS)),
            backoff=float(settings.get(BACKOFF)),
            max_backoff=float(settings.get(MAX_BACKOFF)),
            poll=float(settings.get(POLL)),
        )

    def retry_delay(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failed attempt: 30, 60, 120... capped."""
        return float(min(self.backoff * 2 ** (attempts - 1), self.max_backoff))
