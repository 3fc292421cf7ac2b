"""The content model: sections, people, themes and posts."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model
from tortoise.validators import MaxLengthValidator

from hub.content.validation import (
    check_country_code,
    check_founded_year,
    check_language_tag,
    check_slug,
    check_url,
)


class PostStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SCHEDULED = "scheduled"


class Versioned(Model):
    # Goes up with every change through the API: an update names the version it edits, so a
    # stale one is refused instead of overwriting a colleague's work (optimistic concurrency).
    version = fields.IntField(default=1)

    class Meta:
        abstract = True


class Timestamped(Versioned):
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        abstract = True


class Section(Timestamped):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=120, unique=True, validators=[check_slug])
    name = fields.CharField(max_length=200)
    country_code = fields.CharField(max_length=2, db_index=True, validators=[check_country_code])
    description = fields.TextField(default="")
    founded_year = fields.IntField(null=True, validators=[check_founded_year])
    website = fields.CharField(max_length=500, default="", validators=[check_url])

    class Meta:
        table = "hub_section"


class Person(Timestamped):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=120, unique=True, validators=[check_slug])
    name = fields.CharField(max_length=200)
    role = fields.CharField(max_length=120, default="", db_index=True)
    bio = fields.TextField(default="")
    photo_url = fields.CharField(max_length=500, default="", validators=[check_url])
    section: fields.ForeignKeyNullableRelation[Section] = fields.ForeignKeyField(
        "hub.Section", related_name="people", null=True, on_delete=fields.SET_NULL
    )
    # Position on the board listing (lower first); people off the board have none.
    board_order = fields.IntField(null=True)

    class Meta:
        table = "hub_person"


class Theme(Versioned):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=120, unique=True, validators=[check_slug])
    name = fields.CharField(max_length=200)
    description = fields.TextField(default="")

    class Meta:
        table = "hub_theme"


class Post(Timestamped):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=120, unique=True, validators=[check_slug])
    title = fields.CharField(max_length=300, validators=[MaxLengthValidator(300)])
    excerpt = fields.TextField(default="")
    # Sanitised HTML (nh3) — never stored as received.
    body = fields.TextField(default="")
    status = fields.CharEnumField(PostStatus, max_length=16, default=PostStatus.DRAFT)
    published_at = fields.DatetimeField(null=True)
    language = fields.CharField(max_length=35, default="en", validators=[check_language_tag])

    class Meta:
        table = "hub_post"
        # Newest-first lists walk this index and stop after one page; a (status, published_at)
        # index would make SQLite sort every published post for each page.
        indexes = (("published_at", "id"),)


class PostAuthor(Model):
    """Authorship, ordered: the first author is named first."""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "hub.Post", related_name="author_links", on_delete=fields.CASCADE
    )
    person: fields.ForeignKeyRelation[Person] = fields.ForeignKeyField(
        "hub.Person", related_name="post_links", on_delete=fields.CASCADE
    )
    position = fields.SmallIntField(default=0)

    class Meta:
        table = "hub_post_author"
        unique_together = (("post", "person"),)
        indexes = (("person_id", "post_id"),)


class PostTheme(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "hub.Post", related_name="theme_links", on_delete=fields.CASCADE
    )
    theme: fields.ForeignKeyRelation[Theme] = fields.ForeignKeyField(
        "hub.Theme", related_name="post_links", on_delete=fields.CASCADE
    )

    class Meta:
        table = "hub_post_theme"
        unique_together = (("post", "theme"),)
        indexes = (("theme_id", "post_id"),)


class PostSection(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "hub.Post", related_name="section_links", on_delete=fields.CASCADE
    )
    section: fields.ForeignKeyRelation[Section] = fields.ForeignKeyField(
        "hub.Section", related_name="post_links", on_delete=fields.CASCADE
    )

    class Meta:
        table = "hub_post_section"
        unique_together = (("post", "section"),)
        indexes = (("section_id", "post_id"),)
