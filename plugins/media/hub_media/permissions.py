"""The scope the media plugin checks, declared to the access plugin."""

from __future__ import annotations

from hub import Role, Scope

WRITE = "media:write"

SCOPES: tuple[Scope, ...] = (
    Scope(
        WRITE,
        "Upload images to the media library, edit their details and delete unused ones.",
        frozenset({Role.EDITOR, Role.AUTHOR}),
    ),
)
