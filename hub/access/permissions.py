"""Field permissions, declared once on the field: ``permission_classes=[RequireScope(...)]``.

The same check guards core mutations and plugin fields (``donations:read-private``), so every
refusal reads the same and names the scope that was missing.
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar

from strawberry.permission import BasePermission

from hub.errors import UserError
from hub.graphql.context import Info


class MissingScope(UserError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="FORBIDDEN")


class ScopePermission(BasePermission):
    """Allows a field when the asker holds any one of ``scopes``; made by :func:`RequireScope`."""

    scopes: ClassVar[tuple[str, ...]] = ()
    error_class = MissingScope

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        context = info.context
        if any(context.has_scope(scope) for scope in self.scopes):
            return True
        wanted = " or ".join(f"`{scope}`" for scope in self.scopes)
        field = info.field_name
        # Raised here rather than through ``self.message``: the message depends on the request.
        if context.actor is None:
            raise MissingScope(
                f"`{field}` needs an API token with the scope {wanted}: "
                "send it as `Authorization: Bearer <token>`."
            )
        raise MissingScope(f"`{field}` needs the scope {wanted}, which this token does not have.")


@functools.cache
def RequireScope(*scopes: str) -> type[BasePermission]:  # reads as the class it makes
    """A permission class allowing the field to holders of any one of ``scopes``.

    Strawberry wants classes in ``permission_classes``; this makes one per set of scopes.
    """
    if not scopes:
        raise ValueError("RequireScope needs at least one scope")
    name = "RequireScope_" + "_".join(
        "".join(part.capitalize() for part in scope.replace(":", "-").split("-"))
        for scope in scopes
    )
    return type(name, (ScopePermission,), {"scopes": scopes})
