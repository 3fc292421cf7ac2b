"""API tokens: issued once, stored as a hash, checked on every request that carries one."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import OperationalError
from tortoise.expressions import Q

from hub.access.actor import TokenActor
from hub.access.models import ApiToken, Role, User
from hub.access.scopes import ScopeCatalogue
from hub.sqlite import is_busy

TOKEN_PREFIX = "hub_"
PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
#: Writing ``last_used_at`` on every request would make each read a write; a few minutes of
#: precision is enough to tell a token in use from a forgotten one.
LAST_USED_PRECISION = timedelta(minutes=5)


class InvalidToken(Exception):
    """The bearer token cannot be used; the message says why, for the client."""


@dataclass(frozen=True)
class IssuedToken:
    token: str
    record: ApiToken


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(
    user: User,
    scopes: Iterable[str],
    catalogue: ScopeCatalogue,
    expires_in: timedelta | None = None,
    name: str = "",
) -> IssuedToken:
    """A new token for ``user``; the returned secret is the only copy that will ever exist."""
    wanted = sorted(set(scopes))
    problems = catalogue.check_grant(user.role, wanted)
    if problems:
        raise ValueError("; ".join(problems))
    if expires_in is not None and expires_in <= timedelta(0):
        raise ValueError("the expiry must be in the future")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    record = await ApiToken.create(
        user=user,
        name=name,
        prefix=token[:PREFIX_LENGTH],
        token_hash=hash_token(token),
        scopes=wanted,
        expires_at=datetime.now(UTC) + expires_in if expires_in else None,
    )
    return IssuedToken(token, record)


async def revoke_token(prefix: str) -> ApiToken:
    """Revoke the one live token whose prefix is ``prefix``."""
    matches = await ApiToken.filter(prefix=prefix, revoked_at=None)
    if not matches:
        raise ValueError(f"no live token starts with {prefix!r}")
    if len(matches) > 1:
        raise ValueError(f"{len(matches)} tokens start with {prefix!r}; give more characters")
    token = matches[0]
    token.revoked_at = datetime.now(UTC)
    await token.save(update_fields=["revoked_at"])
    return token


async def authenticate(token: str, catalogue: ScopeCatalogue, now: datetime) -> TokenActor:
    """The actor ``token`` stands for, or :class:`InvalidToken` saying why it cannot be used."""
    row = await (
        ApiToken.filter(token_hash=hash_token(token))
        .first()
        .values(
            "id", "prefix", "scopes", "expires_at", "revoked_at", "last_used_at", "user_id",
            "user__email", "user__role", "user__is_active", "user__person_id",
        )
    )  # fmt: skip
    if row is None:
        raise InvalidToken("The API token is not valid.")
    if row["revoked_at"] is not None:
        raise InvalidToken(
            f"The API token {row['prefix']}... was revoked on {row['revoked_at']:%Y-%m-%d}."
        )
    if row["expires_at"] is not None and row["expires_at"] <= now:
        raise InvalidToken(
            f"The API token {row['prefix']}... expired on {row['expires_at']:%Y-%m-%d %H:%M} UTC."
        )
    if not row["user__is_active"]:
        raise InvalidToken(f"The account of the API token {row['prefix']}... is disabled.")
    role = Role(row["user__role"])
    if row["last_used_at"] is None or now - row["last_used_at"] > LAST_USED_PRECISION:
        try:
            await (
                ApiToken.filter(id=row["id"])
                .filter(Q(last_used_at=None) | Q(last_used_at__lt=now - LAST_USED_PRECISION))
                .update(last_used_at=now)
            )
        except OperationalError as error:
            # Another process holds SQLite's write lock: the request need not fail for
            # bookkeeping that is approximate anyway; the next request records the use.
            if not is_busy(error):
                raise
    return TokenActor(
        user_id=row["user_id"],
        email=row["user__email"],
        role=role,
        # A role that lost a scope takes it from its tokens at once.
        scopes=frozenset(row["scopes"]) & catalogue.for_role(role),
        token_id=row["id"],
        token_prefix=row["prefix"],
        expires_at=row["expires_at"],
        person_id=row["user__person_id"],
    )
