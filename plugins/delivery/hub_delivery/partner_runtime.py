"""One running hub's partner state: the policy snapshot and the rate-limit buckets."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from hub import Settings
from hub_delivery import settings as delivery_settings
from hub_delivery.partners import PartnerDirectory
from hub_delivery.ratelimit import Buckets, Clock, LocalBuckets, Rate, RedisBuckets

PARTNERS_STATE_KEY = "hub_delivery_partners"
#: Set for keys restricted to registered operations; read by the persisted-query middleware.
REGISTERED_ONLY_STATE_KEY = "hub_delivery_registered_only"


@dataclass
class Partners:
    directory: PartnerDirectory
    buckets: Buckets
    anonymous_rate: Rate | None

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock | None = None) -> Partners:
        """In-process buckets, or Redis ones shared by every process when HUB_REDIS_URL is set.

        ``clock`` (seconds) replaces wall-clock time for the buckets; tests pass their own.
        """
        url = delivery_settings.redis_url(settings)
        buckets: Buckets
        if url:
            # Workers of one hub share a database, and so its token ids: that is the namespace.
            namespace = hashlib.sha256(settings.database_url.encode()).hexdigest()[:16]
            buckets = RedisBuckets(url, clock or time.time, namespace)
        else:
            buckets = LocalBuckets(clock or time.time)
        directory = PartnerDirectory(
            delivery_settings.partner_rate(settings), delivery_settings.partner_refresh(settings)
        )
        return cls(directory, buckets, delivery_settings.anonymous_rate(settings))

    async def close(self) -> None:
        await self.buckets.close()
