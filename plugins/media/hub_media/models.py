"""The media library: images (assets) and where they appear on the core's posts, people and
sections. Links live in the plugin's own tables: the core's tables know nothing of images."""

from __future__ import annotations

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

from hub import Person, Post, Section


class Asset(Model):
    id = fields.IntField(primary_key=True)
    # Where the original is kept (``originals/<uuid>.<ext>``); never served as it is.
    original_key = fields.CharField(max_length=200, unique=True)
    original_name = fields.CharField(max_length=255, default="")
    content_type = fields.CharField(max_length=50)
    byte_size = fields.BigIntField()
    # As shown, after the EXIF orientation is applied.
    width = fields.IntField()
    height = fields.IntField()
    alt = fields.TextField(default="")
    caption = fields.TextField(default="")
    credit = fields.CharField(max_length=300, default="")
    licence = fields.CharField(max_length=200, default="")
    # The point crops keep in view, as fractions of width and height from the top left.
    focal_x = fields.FloatField(default=0.5)
    focal_y = fields.FloatField(default=0.5)
    dominant_color = fields.CharField(max_length=7)
    blurhash = fields.CharField(max_length=100)
    # Part of every rendition URL: a change that alters pixels (the focal point) makes new URLs,
    # so renditions can be cached for a year.
    version = fields.IntField(default=1)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "media_asset"
        constraints = (
            CheckConstraint(
                check="focal_x >= 0 AND focal_x <= 1 AND focal_y >= 0 AND focal_y <= 1",
                name="media_asset_focal_point_inside",
            ),
        )


class PostImage(Model):
    id = fields.IntField(primary_key=True)
    post: fields.OneToOneRelation[Post] = fields.OneToOneField(
        "hub.Post", related_name="media_featured_image", on_delete=fields.CASCADE
    )
    post_id: int
    asset: fields.ForeignKeyRelation[Asset] = fields.ForeignKeyField(
        "media.Asset", related_name="featured_on", on_delete=fields.RESTRICT
    )
    asset_id: int

    class Meta:
        table = "media_post_image"


class PostSocialImage(Model):
    """The image link previews show for a post (``Post.seo.image``) instead of its featured one.

    Such as a card cropped to 1.91:1, or a picture with the headline written on it."""

    id = fields.IntField(primary_key=True)
    post: fields.OneToOneRelation[Post] = fields.OneToOneField(
        "hub.Post", related_name="media_social_image", on_delete=fields.CASCADE
    )
    post_id: int
    asset: fields.ForeignKeyRelation[Asset] = fields.ForeignKeyField(
        "media.Asset", related_name="social_image_of", on_delete=fields.RESTRICT
    )
    asset_id: int

    class Meta:
        table = "media_post_social_image"


class PersonPhoto(Model):
    id = fields.IntField(primary_key=True)
    person: fields.OneToOneRelation[Person] = fields.OneToOneField(
        "hub.Person", related_name="media_photo", on_delete=fields.CASCADE
    )
    person_id: int
    asset: fields.ForeignKeyRelation[Asset] = fields.ForeignKeyField(
        "media.Asset", related_name="photo_of", on_delete=fields.RESTRICT
    )
    asset_id: int

    class Meta:
        table = "media_person_photo"


class SectionImage(Model):
    id = fields.IntField(primary_key=True)
    section: fields.OneToOneRelation[Section] = fields.OneToOneField(
        "hub.Section", related_name="media_image", on_delete=fields.CASCADE
    )
    section_id: int
    asset: fields.ForeignKeyRelation[Asset] = fields.ForeignKeyField(
        "media.Asset", related_name="image_of", on_delete=fields.RESTRICT
    )
    asset_id: int

    class Meta:
        table = "media_section_image"
