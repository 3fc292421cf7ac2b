"""Operations registered ahead of time: the allow-list, persisted across restarts."""

from __future__ import annotations

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
