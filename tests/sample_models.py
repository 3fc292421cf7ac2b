"""A plugin's own table, for tests of register_models."""

from tortoise import fields
from tortoise.models import Model


class Bookmark(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "hub.Post", related_name="bookmarks", on_delete=fields.CASCADE
    )
    note = fields.CharField(max_length=100)

    class Meta:
        table = "sample_bookmark"
