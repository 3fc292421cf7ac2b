"""Who sees which posts: the one place the rule is written."""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from hub.content.models import Post, PostStatus
from hub.graphql.context import Context

#: Statuses that make a post public once its ``published_at`` has passed. A scheduled post
#: turns visible by itself when its time comes: no job has to flip it.
PUBLIC_STATUSES = (PostStatus.PUBLISHED, PostStatus.SCHEDULED)


def public_posts_filter(context: Context) -> Q:
    return Q(status__in=[status.value for status in PUBLIC_STATUSES], published_at__lte=context.now)


def visible_posts(context: Context) -> QuerySet[Any]:
    """Posts the asker may see: everything with ``content:read-drafts``, else what is public."""
    if context.can_read_drafts:
        return Post.all()
    return Post.filter(public_posts_filter(context))
