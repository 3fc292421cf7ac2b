"""Accounts, their API tokens and the audit log of every change made through the API."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    AUTHOR = "author"
    PARTNER = "partner"


class User(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    role = fields.CharEnumField(Role, max_length=16)
    # argon2id, never the password itself.
    password_hash = fields.CharField(max_length=200)
    # The byline an author writes as: authors may edit the drafts this person is credited on.
    # Typed as any model: naming hub.content.models would close an import cycle (the content
    # declarations name the access scopes).
    person: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "hub.Person", related_name="accounts", null=True, on_delete=fields.SET_NULL
    )
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "access_user"


class ApiToken(Model):
    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "access.User", related_name="tokens", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=120, default="")
    # The first characters of the token, shown in lists so people can tell their tokens apart.
    prefix = fields.CharField(max_length=16, db_index=True)
    # sha256 of the whole token: enough for 256 random bits, and fast to look up per request.
    token_hash = fields.CharField(max_length=64, unique=True)
    scopes: list[str] = fields.JSONField(default=list)
    expires_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    last_used_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "access_api_token"


class AuditEntry(Model):
    """One change made through the API: who, what, when, and the object before and after."""

    id = fields.IntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "access.User", related_name="audit_entries", null=True, on_delete=fields.SET_NULL
    )
    # Kept as text too, so the log still says who it was after the account is deleted.
    actor = fields.CharField(max_length=300)
    action = fields.CharField(max_length=40)
    type_name = fields.CharField(max_length=60)
    object_id = fields.IntField()
    object_slug = fields.CharField(max_length=120, default="")
    before: dict[str, Any] | None = fields.JSONField(null=True)
    after: dict[str, Any] | None = fields.JSONField(null=True)

    class Meta:
        table = "access_audit_entry"
        indexes = (("type_name", "object_id"),)
