"""Operations registered ahead of time (the allow-list) and partners' key policies."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class RegisteredQuery(Model):
    # The SHA-256 of the document text, hex: what clients send as ``sha256Hash``.
    sha256 = fields.CharField(max_length=64, primary_key=True)
    document = fields.TextField()
    # Comma-separated, for `hub queries list`; the document is the source of truth.
    operation_names = fields.CharField(max_length=500, default="")
    registered_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "delivery_registered_query"


class PartnerPolicy(Model):
    """What one partner's API key may do: origins, request rate, query budget, operations.

    Empty values mean "the default": no origin restriction, ``HUB_DELIVERY_PARTNER_RATE``, and
    the partner budget (depth 6, aliases 15, tokens 1000, cost 5000).
    """

    id = fields.IntField(primary_key=True)
    # One policy per token; deleting the token deletes its policy.
    token: fields.OneToOneRelation[Any] = fields.OneToOneField(
        "access.ApiToken", related_name="partner_policy", on_delete=fields.CASCADE
    )
    # Exact origins (scheme://host[:port]) whose pages may use the key.
    origins: list[str] = fields.JSONField(default=list)
    # Such as ``600/min`` (per ``s``, ``min`` or ``h``); the requests the key may make.
    rate = fields.CharField(max_length=32, null=True)
    burst = fields.IntField(null=True)
    max_depth = fields.IntField(null=True)
    max_aliases = fields.IntField(null=True)
    max_tokens = fields.IntField(null=True)
    max_cost = fields.IntField(null=True)
    # Only operations registered with `hub queries register` run with this key.
    registered_only = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "delivery_partner_policy"
