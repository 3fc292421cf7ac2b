"""Where a post is in its life: its own module, so that the post's declaration
(``core_types``) and the rules it names (``authorship``) both read it."""

from __future__ import annotations

from enum import StrEnum


class PostStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SCHEDULED = "scheduled"
