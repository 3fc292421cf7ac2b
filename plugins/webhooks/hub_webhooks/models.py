"""Subscribers, and the deliveries owed to them: the queue and its log in one table."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class Subscriber(Model):
    id = fields.IntField(primary_key=True)
    url = fields.CharField(max_length=2000)
    #: Comma-separated patterns over event kinds: ``post.*``, ``post.published,section.*``, ``*``.
    events = fields.CharField(max_length=500, default="*")
    secret = fields.CharField(max_length=200)
    created_at = fields.DatetimeField(auto_now_add=True)

    deliveries: fields.ReverseRelation[Delivery]

    class Meta:
        table = "webhooks_subscriber"
        table_description = "Where content events are POSTed, which ones, and the signing secret."


class Delivery(Model):
    """One event owed to one subscriber: pending until delivered or out of attempts."""

    id = fields.BigIntField(primary_key=True)
    subscriber: fields.ForeignKeyRelation[Subscriber] = fields.ForeignKeyField(
        "webhooks.Subscriber", related_name="deliveries", on_delete=fields.CASCADE
    )
    event = fields.CharField(max_length=100)
    #: The exact bytes POSTed (and signed), so every attempt sends the same body.
    body = fields.TextField()
    status = fields.CharEnumField(DeliveryStatus, max_length=16, default=DeliveryStatus.PENDING)
    attempts = fields.IntField(default=0)
    #: When a pending delivery is due (while one is being sent: when that attempt's lease ends).
    #: No semicolon in these comments: they become column comments, and Tortoise splits SQLite
    #: migrations at semicolons.
    next_attempt_at = fields.DatetimeField(db_index=True)
    last_status_code = fields.IntField(null=True)
    last_error = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhooks_delivery"
        table_description = "Content events owed to subscribers, with each one's latest attempt."
        indexes = (("status", "next_attempt_at"),)
