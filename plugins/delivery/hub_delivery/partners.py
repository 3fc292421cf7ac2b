"""Partner keys: the API tokens of ``partner`` accounts, and what each may do.

Every token of a ``partner`` account is a partner key. Without a policy it gets the defaults (no
origin restriction, ``HUB_DELIVERY_PARTNER_RATE``, the partner query budget); a policy
(``hub partners set``) narrows or widens them per key. Other roles' tokens are the
organisation's own staff and are not partner keys.

Policies are read from one snapshot per process, reloaded in one SELECT when it is older than
``HUB_DELIVERY_PARTNER_REFRESH`` seconds, so a request costs no SQL beyond the token's own
lookup. A change made from the command line reaches every process within that delay; one made
through :func:`save_policy` in this process applies at once. Revoking a token needs no refresh:
the token itself is checked on every request.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

from hub import QueryBudget
from hub_delivery.models import PartnerPolicy
from hub_delivery.ratelimit import Clock, Rate, parse_rate

#: What one operation of a partner key may ask, unless its policy says otherwise; the hub
#: measures the cost (``hub.QueryBudget``), the partner gate grants the budget.
PARTNER_BUDGET = QueryBudget(
    max_cost=5000, max_depth=6, max_aliases=15, max_tokens=1000, owner="this API key's"
)


@dataclass(frozen=True)
class KeyPolicy:
    """A partner key's policy with every default filled in."""

    origins: frozenset[str]
    rate: Rate | None
    budget: QueryBudget
    registered_only: bool

    def allows_origin(self, origin: str) -> bool:
        return not self.origins or origin in self.origins


def normalised_origin(text: str) -> str:
    """``https://a.example`` (scheme, host and port only) or ValueError naming the value."""
    parts = urlsplit(text.strip())
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise ValueError(
            f"{text!r} is not an origin: give scheme://host[:port] such as https://a.example"
        )
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"{text!r} has no valid port") from None
    default = {"http": 80, "https": 443}[parts.scheme]
    host = parts.hostname.lower()
    return f"{parts.scheme}://{host}" + (f":{port}" if port not in (None, default) else "")


def key_policy(row: Mapping[str, Any] | None, default_rate: Rate | None) -> KeyPolicy:
    if row is None:
        return KeyPolicy(frozenset(), default_rate, PARTNER_BUDGET, registered_only=False)
    rate = default_rate
    if row["rate"] is not None:
        rate = parse_rate(row["rate"], row["burst"])
    elif row["burst"] is not None and default_rate is not None:
        rate = replace(default_rate, burst=row["burst"])
    overrides = {
        name: row[name]
        for name in ("max_depth", "max_aliases", "max_tokens", "max_cost")
        if row[name] is not None
    }
    return KeyPolicy(
        origins=frozenset(row["origins"]),
        rate=rate,
        budget=replace(PARTNER_BUDGET, **overrides),
        registered_only=row["registered_only"],
    )


POLICY_FIELDS = (
    "token_id", "origins", "rate", "burst", "max_depth", "max_aliases", "max_tokens", "max_cost",
    "registered_only",
)  # fmt: skip


@dataclass
class PartnerDirectory:
    """Every partner key's policy, as one snapshot reloaded when older than ``refresh``."""

    default_rate: Rate | None
    refresh: float
    clock: Clock = time.monotonic
    _policies: dict[int, KeyPolicy] = field(default_factory=dict)
    _origins: frozenset[str] = frozenset()
    _loaded_at: float | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def invalidate(self) -> None:
        self._loaded_at = None

    async def _current(self) -> None:
        if self._loaded_at is not None and self.clock() - self._loaded_at < self.refresh:
            return
        async with self._lock:  # one reload, however many requests find the snapshot stale
            if self._loaded_at is not None and self.clock() - self._loaded_at < self.refresh:
                return
            rows = await PartnerPolicy.all().values(*POLICY_FIELDS)
            self._policies = {row["token_id"]: key_policy(row, self.default_rate) for row in rows}
            self._origins = frozenset(
                origin for policy in self._policies.values() for origin in policy.origins
            )
            self._loaded_at = self.clock()

    async def policy(self, token_id: int) -> KeyPolicy:
        await self._current()
        found = self._policies.get(token_id)
        return found if found is not None else key_policy(None, self.default_rate)

    async def is_partner_origin(self, origin: str) -> bool:
        await self._current()
        return origin in self._origins


@dataclass(frozen=True)
class PolicyChange:
    """What ``hub partners set`` changes; None leaves a value as it is."""

    origins: tuple[str, ...] | None = None
    rate: str | None = None
    burst: int | None = None
    max_depth: int | None = None
    max_aliases: int | None = None
    max_tokens: int | None = None
    max_cost: int | None = None
    registered_only: bool | None = None

    def checked(self) -> PolicyChange:
        """The change with origins normalised; ValueError naming the first bad value."""
        for name in ("burst", "max_depth", "max_aliases", "max_tokens", "max_cost"):
            value = getattr(self, name)
            if value is not None and value < 1:
                option = "--" + name.replace("_", "-")
                raise ValueError(f"{option} must be 1 or more, not {value}")
        if self.rate is not None:
            parse_rate(self.rate, self.burst)
        origins = None
        if self.origins is not None:
            origins = tuple(sorted({normalised_origin(o) for o in self.origins}))
        return replace(self, origins=origins)

    def values(self) -> dict[str, Any]:
        names = ("rate", "burst", "max_depth", "max_aliases", "max_tokens", "max_cost")
        changed: dict[str, Any] = {
            name: getattr(self, name)
            for name in (*names, "registered_only")
            if getattr(self, name) is not None
        }
        if self.origins is not None:
            changed["origins"] = list(self.origins)
        if self.rate is not None:
            changed["rate"] = str(parse_rate(self.rate))
        return changed


async def save_policy(token_id: int, change: PolicyChange) -> PartnerPolicy:
    """Create or update the policy of the token ``token_id`` (a partner's, checked by callers)."""
    values = change.checked().values()
    policy = await PartnerPolicy.get_or_none(token_id=token_id)
    if policy is None:
        return await PartnerPolicy.create(token_id=token_id, **values)
    policy.update_from_dict(values)
    await policy.save()
    return policy


def describe(row: Mapping[str, Any], default_rate: Rate | None) -> dict[str, str]:
    """A policy as ``hub partners list`` shows it, defaults included and marked."""
    policy = key_policy(row, default_rate)
    marks = {name: "" if row[name] is not None else " (default)" for name in POLICY_FIELDS[3:8]}
    rate = "none" if policy.rate is None else f"{policy.rate} burst {policy.rate.burst}"
    return {
        "origins": ", ".join(sorted(policy.origins)) or "any",
        "rate": rate
        + ("" if row["rate"] is not None or row["burst"] is not None else " (default)"),
        "budget": ", ".join(
            f"{name.removeprefix('max_')} {getattr(policy.budget, name)}{marks[name]}"
            for name in ("max_depth", "max_aliases", "max_tokens", "max_cost")
        ),
        "operations": "registered only" if policy.registered_only else "any",
    }
