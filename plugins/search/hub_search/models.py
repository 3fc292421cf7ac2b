"""The search plugin's one ORM model: a record of each index rebuild.

The index tables themselves are written in SQL by the migration, because neither FTS5 virtual
tables nor tsvector columns are Tortoise fields.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class IndexBuild(Model):
    """One run of ``hub search reindex``: when it ran and how many documents it indexed."""

    id = fields.IntField(primary_key=True)
    started_at = fields.DatetimeField()
    finished_at = fields.DatetimeField()
    documents = fields.IntField()

    class Meta:
        table = "search_index_build"
