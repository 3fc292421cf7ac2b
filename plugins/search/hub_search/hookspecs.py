# mypy: disable-error-code="empty-body"
"""The hooks the search plugin publishes (through ``add_hookspecs``) for other plugins."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from hub_search.documents import Searchable

hookspec = pluggy.HookspecMarker("hub")


@hookspec
def register_searchable_types() -> Sequence[Searchable]:
    """Make your GraphQL types searchable: return ``hub_search.Searchable`` declarations.

    Each type joins the ``SearchResult`` union, is indexed by ``hub search reindex`` and is
    re-indexed when a ``ContentEvent`` with its ``type_name`` is dispatched.
    """
