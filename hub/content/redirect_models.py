"""Where a post used to be: the slugs it had before a rename, and paths of an older site.

A table of the core's own (not a declared content type): redirects are never edited through
the API, they are kept when a slug changes and carried by imports and exports.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class PostRedirect(Model):
    """One old address of a post: an ``old_slug`` or an ``old_path``, never both."""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "hub.Post", related_name="redirects", on_delete=fields.CASCADE
    )
    #: A slug the post had: ``post(slug:)`` still finds it, until another post takes it.
    old_slug = fields.CharField(max_length=120, null=True, unique=True)
    #: A path of the site the post came from, as ``normalised_path`` writes it
    #: (``/2019/05/hello``, ``/?p=12``).
    old_path = fields.CharField(max_length=500, null=True, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "hub_post_redirect"
        table_description = "Old slugs and old site paths of posts, kept for redirects."
