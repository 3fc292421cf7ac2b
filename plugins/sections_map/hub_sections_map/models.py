"""Where each section is: one row per section, in the plugin's own table."""

from __future__ import annotations

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model
from tortoise.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator

from hub import Section, public_id_column


class SectionLocation(Model):
    id = fields.IntField(primary_key=True)
    # The stable public id its global IDs are made of (hub.public_id_column).
    public_id = public_id_column()
    section: fields.OneToOneRelation[Section] = fields.OneToOneField(
        "hub.Section", related_name="map_location", on_delete=fields.CASCADE
    )
    lat = fields.FloatField(validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lng = fields.FloatField(validators=[MinValueValidator(-180), MaxValueValidator(180)])
    city = fields.CharField(max_length=200, default="", validators=[MaxLengthValidator(200)])
    # The organisation's own grouping ("Africa", "MENA", "South Asia"), not a UN region.
    region = fields.CharField(
        max_length=100, default="", db_index=True, validators=[MaxLengthValidator(100)]
    )
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "sections_map_location"
        # The validators' ranges again, for writes that bypass `save` (bulk updates, SQL).
        constraints = (
            CheckConstraint(check="lat BETWEEN -90 AND 90", name="sections_map_location_lat"),
            CheckConstraint(check="lng BETWEEN -180 AND 180", name="sections_map_location_lng"),
        )
