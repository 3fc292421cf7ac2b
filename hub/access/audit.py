"""The audit log: every change made through the API, written in the change's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from hub.access.models import AuditEntry
from hub.graphql.context import Actor
from hub.graphql.nodes import global_id


def jsonable(row: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A row as JSON values: times as ISO 8601 text, enums as their values."""
    if row is None:
        return None
    result: dict[str, Any] = {}
    for name, value in row.items():
        if isinstance(value, datetime | date):
            value = value.isoformat()
        elif isinstance(value, Enum):
            value = value.value
        elif isinstance(value, UUID):
            value = str(value)
        result[name] = value
    return result


def actor_identity(actor: Actor | None) -> tuple[int | None, str]:
    """The account id (when the actor has one) and the name the log shows."""
    user_id = getattr(actor, "user_id", None)
    name = getattr(actor, "name", None) or (type(actor).__name__ if actor else "anonymous")
    return (user_id if isinstance(user_id, int) else None), str(name)


async def record_change(
    actor: Actor | None,
    action: str,
    type_name: str,
    object_id: int,
    slug: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> None:
    """Write one entry; call it inside the change's transaction, so both happen or neither."""
    user_id, name = actor_identity(actor)
    await AuditEntry.create(
        user_id=user_id,
        actor=name[:300],
        action=action,
        type_name=type_name,
        object_id=object_id,
        object_slug=slug,
        before=jsonable(before),
        after=jsonable(after),
    )


AUDIT_FIELDS = (
    "id", "at", "actor", "action", "type_name", "object_id", "object_slug", "before", "after",
)  # fmt: skip


def _audited_id(row: Mapping[str, Any]) -> relay.GlobalID:
    """The object's global ID: of its public id, which the recorded row holds (entries written
    before public ids existed name the row number, an ID that still resolves)."""
    recorded = row["after"] or row["before"] or {}
    public_id = recorded.get("public_id") if isinstance(recorded, dict) else None
    if public_id is not None:
        return global_id(row["type_name"], public_id)
    return relay.GlobalID(row["type_name"], str(row["object_id"]))


@strawberry.type(name="AuditEntry", description="One change made through the API.")
class AuditEntryType:
    at: datetime = strawberry.field(description="When the change was committed.")
    actor: str = strawberry.field(description="Who made it: the account and its token.")
    action: str = strawberry.field(description="What was done, such as post.update.")
    type_name: str = strawberry.field(description="The changed object's type, such as Post.")
    object_id: relay.GlobalID = strawberry.field(description="The changed object's global ID.")
    slug: str = strawberry.field(description="The object's slug when it was changed.")
    before: JSON | None = strawberry.field(description="The object before; null when created.")
    after: JSON | None = strawberry.field(description="The object after; null when deleted.")

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> AuditEntryType:
        return cls(
            at=row["at"],
            actor=row["actor"],
            action=row["action"],
            type_name=row["type_name"],
            object_id=_audited_id(row),
            slug=row["object_slug"],
            before=row["before"],
            after=row["after"],
        )
