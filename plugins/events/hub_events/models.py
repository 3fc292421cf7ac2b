"""The events model: events, and who took part in each (a hub section or anyone by name)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import ValidationError
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

from hub import Section, public_id_column
from hub_events.validation import (
    check_aware,
    check_country_code,
    check_period,
    check_slug,
    check_timezone,
    check_url,
)


class Event(Model):
    id = fields.IntField(primary_key=True)
    # The stable public id its global IDs are made of (hub.public_id_column).
    public_id = public_id_column()
    slug = fields.CharField(max_length=120, unique=True, validators=[check_slug])
    title = fields.CharField(max_length=300)
    description = fields.TextField(default="")
    starts_at = fields.DatetimeField(db_index=True)
    # Filtering upcoming events reads ends_at: an event in progress is still upcoming.
    ends_at = fields.DatetimeField(db_index=True)
    # Calendars show the event in this zone (its wall-clock times and, when all-day, its dates).
    timezone = fields.CharField(
        max_length=64, default="UTC", db_default="UTC", validators=[check_timezone]
    )
    # Whole days in `timezone`: starts_at is midnight of the first day, ends_at midnight after
    # the last (exclusive, as iCalendar's DTEND), so the instants stay right for filtering.
    all_day = fields.BooleanField(default=False, db_default=False)
    venue = fields.CharField(max_length=300, default="")
    city = fields.CharField(max_length=200, default="")
    country_code = fields.CharField(max_length=2, default="", validators=[check_country_code])
    url = fields.CharField(max_length=500, default="", validators=[check_url])
    # Goes up with every change through the API: an update names the version it edits, so a
    # stale one is refused instead of overwriting a colleague's work.
    version = fields.IntField(default=1, db_default=1)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    participants: fields.ReverseRelation[EventParticipant]

    class Meta:
        table = "events_event"
        # The same rule as `check_period`, for writes that bypass `save` (bulk updates, SQL).
        constraints = (
            CheckConstraint(check="ends_at >= starts_at", name="events_event_ends_after_start"),
        )

    def __init__(self, **kwargs: Any) -> None:
        # Tortoise would read a naive time as UTC; refuse it before that guess is made.
        for name in ("starts_at", "ends_at"):
            if isinstance(kwargs.get(name), datetime):
                check_aware(name, kwargs[name])
        super().__init__(**kwargs)

    async def save(
        self,
        using_db: BaseDBAsyncClient | None = None,
        update_fields: Iterable[str] | None = None,
        force_create: bool = False,
        force_update: bool = False,
    ) -> None:
        check_period(self.starts_at, self.ends_at, self.timezone, self.all_day)
        await super().save(using_db, update_fields, force_create, force_update)


class EventParticipant(Model):
    """One participant of an event, in the order they are listed.

    A participant is a hub section (``section`` set, ``name`` blank: the section's own name is
    shown, so renaming a section renames it here too) or anyone else by ``name`` (a network, a
    representative, a partner organisation).
    """

    id = fields.IntField(primary_key=True)
    event: fields.ForeignKeyRelation[Event] = fields.ForeignKeyField(
        "events.Event", related_name="participants", on_delete=fields.CASCADE
    )
    section: fields.ForeignKeyNullableRelation[Section] = fields.ForeignKeyField(
        "hub.Section", related_name="events_participations", null=True, on_delete=fields.CASCADE
    )
    section_id: int | None
    name = fields.CharField(max_length=200, default="")
    position = fields.SmallIntField(default=0)

    class Meta:
        table = "events_event_participant"
        unique_together = (("event", "section"),)
        # Section.events reads by section first.
        indexes = (("section_id", "event_id"),)

    async def save(
        self,
        using_db: BaseDBAsyncClient | None = None,
        update_fields: Iterable[str] | None = None,
        force_create: bool = False,
        force_update: bool = False,
    ) -> None:
        if (self.section_id is None) == (not self.name.strip()):
            raise ValidationError(
                "A participant is either a section or a name, not both and not neither."
            )
        await super().save(using_db, update_fields, force_create, force_update)
