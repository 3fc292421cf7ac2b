"""How a declared type is edited through the API: its mutations, the scopes they need, its
publishing lifecycle and the plugin's own guards (``ContentType(editing=Editing(...))``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: Runs in the edit's transaction on the row as it is (with its link lists as ids), before the
#: change: raises ``UserError`` (``FORBIDDEN``) or ``Refused`` to stop it. ``(context, row)``.
EditGuard = Callable[[Any, Mapping[str, Any]], Awaitable[None]]
#: Adjusts the link lists of a new object before it is written (``(context, links)``).
CreateHook = Callable[[Any, dict[str, list[int]]], None]


@dataclass(frozen=True)
class Editing:
    """The mutations a type gets: ``create<Name>``, ``update<Name>``, ``delete<Name>``.

    A client needs one of ``scopes``. With ``lifecycle``, the type's ``status`` (an
    ``enum(PostStatus)`` field) and ``published_at`` are set by ``publish<Name>``,
    ``unpublish<Name>`` and ``schedule<Name>`` (under ``publish_scopes``), never by the inputs.
    """

    scopes: tuple[str, ...]
    lifecycle: bool = False
    publish_scopes: tuple[str, ...] = ()
    #: Checked before an update or a delete (``EditGuard``).
    guard: EditGuard | None = None
    on_create: CreateHook | None = None
    #: Descriptions by action (``"create"``, ...) where "Create a petition." says too little.
    descriptions: Mapping[str, str] = field(default_factory=dict)

    def describe(self, action: str, label: str) -> str:
        verb = {"create": "Create", "update": "Change", "delete": "Delete"}[action]
        return self.descriptions.get(action, f"{verb} a {label}.")
