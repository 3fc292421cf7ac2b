"""``redirect(path:)``: where a page of an older site went (a WordPress permalink, say).

A public site that gets a request for a path it does not know asks here before answering 404,
and answers 301 to the post's page when there is one, as Wagtail's redirects do.
"""

from __future__ import annotations

import strawberry

from hub.content.loaders import POST_FIELDS
from hub.content.redirects import normalised_path, post_id_at_path
from hub.content.types import PostType
from hub.content.visibility import visible_posts
from hub.errors import UserError
from hub.graphql.context import Info
from hub.graphql.refs import PostRef
from hub.rows import fetch_values


@strawberry.type(
    name="Redirect",
    description="An old address that leads to a post: answer it with a permanent redirect (301).",
)
class RedirectType:
    old_path: str = strawberry.field(
        description="The old path as kept: no host, no trailing slash, query parameters sorted."
    )
    post: PostRef = strawberry.field(description="The post the old address shows now.")


@strawberry.type
class RedirectQueries:
    @strawberry.field(
        description=(
            "The post an old path (or URL) of the site showed, such as a WordPress permalink "
            "(`/2019/05/hello/`, `/?p=12`); null when none is known, or the post is not "
            "public."
        )
    )
    async def redirect(self, info: Info, path: str) -> RedirectType | None:
        try:
            normalised = normalised_path(path)
        except ValueError as error:
            raise UserError(f"path: {error}", argument="path") from None
        post_id = await post_id_at_path(normalised)
        if post_id is None:
            return None
        query = visible_posts(info.context).filter(id=post_id).limit(1).values(*POST_FIELDS)
        rows = await fetch_values(query, list(POST_FIELDS))
        return RedirectType(old_path=normalised, post=PostType.from_row(rows[0])) if rows else None
