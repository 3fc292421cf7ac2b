# mypy: disable-error-code="empty-body"
"""Hooks the access plugin publishes (through ``add_hookspecs``) for other plugins."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from hub.access.scopes import Scope

hookspec = pluggy.HookspecMarker("hub")


@hookspec
def register_scopes() -> Sequence[Scope]:
    """Declare the scopes your fields check: ``Scope(name, description, roles)``.

    ``roles`` names the roles (``editor``, ``author``, ``partner``) whose tokens may carry the
    scope; admins may hold every scope. Mark the implementation ``@hookimpl(optionalhook=True)``
    so your plugin still loads when the access plugin is disabled.
    """
