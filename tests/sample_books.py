"""A plugin's content type for the import/export tests: books, with a section and authors.

Its backward relations are named apart from tests/bookshelf's (a declared "Book" too): Tortoise
adds them to the core's Section and Person classes, which live once per process.
"""

import uuid

from tortoise import fields
from tortoise.models import Model


class Book(Model):
    id = fields.IntField(primary_key=True)
    # Every declared type has one (docs/content-types.md, "Stable public IDs").
    public_id = fields.UUIDField(default=uuid.uuid4, unique=True, null=True)
    slug = fields.CharField(max_length=120, unique=True)
    title = fields.CharField(max_length=200)
    pages = fields.IntField(null=True)
    published_at = fields.DatetimeField(null=True)
    section: fields.ForeignKeyNullableRelation[Model] = fields.ForeignKeyField(
        "hub.Section", related_name="sample_books", null=True, on_delete=fields.SET_NULL
    )
    version = fields.IntField(default=1)

    class Meta:
        table = "sample_book"


class BookAuthor(Model):
    id = fields.IntField(primary_key=True)
    book: fields.ForeignKeyRelation[Book] = fields.ForeignKeyField(
        "sample.Book", related_name="author_links", on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyRelation[Model] = fields.ForeignKeyField(
        "hub.Person", related_name="sample_book_links", on_delete=fields.CASCADE
    )
    position = fields.IntField(default=0)

    class Meta:
        table = "sample_book_author"
        unique_together = (("book", "person"),)
