"""Everything the GraphQL API serves of one declared type, for a plugin's hooks.

::

    PETITIONS = served(PETITION)

    @hookimpl
    def register_types():
        return PETITIONS.types

and likewise ``queries``, ``mutations`` (with ``Editing`` declared) and ``loaders``: the Node
type, the connection, filter and ``orderBy``, the lookup by slug, the mutations with versions,
audit and scopes, and the loaders by id, by foreign key and for link lists. Nothing of it is
written by hand; a type that needs more keeps it in an extras class
(:func:`~hub.content.node_types.node_type`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hub.content.content_type import ContentType
from hub.content.core_types import BY_NAME
from hub.content.mutations import mutations_for
from hub.content.node_types import node_type
from hub.content.type_loaders import type_loaders
from hub.content.type_queries import type_queries
from hub.content.types import CORE_BODIES
from hub.graphql.context import LoaderFactory


@dataclass(frozen=True)
class Served:
    """What ``register_types``, ``register_queries``, ``register_mutations`` and
    ``register_dataloaders`` return for one declared type."""

    declared: ContentType
    node: Any
    types: Sequence[type]
    queries: Sequence[type]
    mutations: Sequence[type]
    loaders: Mapping[str, LoaderFactory]


def served(
    declared: ContentType,
    extras: type | None = None,
    *,
    references: Sequence[ContentType] = (),
    order: Sequence[str] = (),
) -> Served:
    """The GraphQL API of ``declared``; ``references``: the plugin types it links to (the
    core's are known), ``order``: the columns its objects are listed by under a foreign key."""
    node = node_type(declared, extras)
    known = {**BY_NAME, **{item.name: item for item in references}, declared.name: declared}
    targets = {
        link.target: (known[link.target], _maker(link.target, node, declared))
        for link in declared.links.values()
    }
    return Served(
        declared=declared,
        node=node,
        types=[node],
        queries=[type_queries(declared, node.from_row)],
        mutations=(
            [mutations_for(declared, node.from_row, known)] if declared.editing is not None else []
        ),
        loaders=type_loaders(declared, node.from_row, order, targets),
    )


def _maker(target: str, node: Any, declared: ContentType) -> Any:
    if target == declared.name:
        return node.from_row
    if target in CORE_BODIES:
        return CORE_BODIES[target].from_row
    raise ValueError(
        f"{declared.name} links to {target}, whose GraphQL type is not known here: link to a "
        "core type or to the type itself."
    )
