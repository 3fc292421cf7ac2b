"""The actor behind a valid API token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hub.access.models import Role


@dataclass(frozen=True)
class TokenActor:
    """Who sent the request: the token's account, with the scopes the token may use now."""

    user_id: int
    email: str
    role: Role
    scopes: frozenset[str]
    token_id: int
    token_prefix: str
    expires_at: datetime | None
    person_id: int | None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def name(self) -> str:
        """How the audit log names this actor."""
        return f"{self.email} (token {self.token_prefix}...)"
