"""Who may edit a post: editors any, authors only the drafts they are credited on.

Named by the post's declaration (``Editing(guard=..., on_create=...)``), so this module needs
nothing of the editing machinery.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hub.access.scopes import WRITE
from hub.content.post_status import PostStatus
from hub.errors import UserError


async def ensure_may_edit_post(context: Any, post: Mapping[str, Any]) -> None:
    """Without ``content:write``, an author changes only drafts their person is credited on."""
    if context.has_scope(WRITE):
        return
    if post["status"] != PostStatus.DRAFT:
        raise UserError(
            f"Only an editor may change this post: it is {PostStatus(post['status']).value}, "
            "and authors change drafts only.",
            code="FORBIDDEN",
        )
    person_id = getattr(context.actor, "person_id", None)
    if person_id is None or person_id not in post["authors"]:
        raise UserError(
            "Authors may change only the drafts they are credited on as an author.",
            code="FORBIDDEN",
        )


def credit_author(context: Any, links: dict[str, list[int]]) -> None:
    """An author's new draft credits their own person, so they may keep editing it."""
    if context.has_scope(WRITE):
        return
    person_id = getattr(context.actor, "person_id", None)
    if person_id is None:
        raise UserError(
            "Your account is not linked to a person, so drafts you write could not be credited "
            "to you: ask an administrator to link it (`hub users create --person`).",
            code="FORBIDDEN",
        )
    authors = links.get("authors", [])
    links["authors"] = [person_id, *(pk for pk in authors if pk != person_id)]
