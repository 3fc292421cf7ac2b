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
(:func:`~hub.content.node_types.node_type`). A type whose GraphQL type stays hand-written gets
its mutations, ``version`` field and version loader from :func:`edited`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import strawberry

from hub.content.content_type import ContentType
from hub.content.core_types import BY_NAME
from hub.content.mutations import mutations_for
from hub.content.node_types import node_type, version_field, version_loader
from hub.content.type_loaders import type_loaders, versions
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


@dataclass(frozen=True)
class Edited:
    """The editing API of a declared type whose GraphQL type is written by hand: what
    ``register_mutations``, ``register_dataloaders`` and ``register_type_extensions`` return."""

    declared: ContentType
    mutations: Sequence[type]
    loaders: Mapping[str, LoaderFactory]
    #: A mixin adding ``version`` to the hand-written type (``{"Campaign": [EDITED.fields]}``).
    fields: type


def edited(
    declared: ContentType,
    make: Callable[[dict[str, Any]], Any],
    *,
    references: Sequence[ContentType] = (),
) -> Edited:
    """The mutations of ``declared`` (it declares ``Editing``) for a type that keeps its
    hand-written GraphQL type (``make`` is its ``from_row``), with the ``version`` field and
    its loader: what :func:`served` derives for a type it builds, for one it does not."""
    if declared.editing is None:
        raise ValueError(f"{declared.name} declares no editing: give it Editing(scopes=...)")
    known = {**BY_NAME, **{item.name: item for item in references}, declared.name: declared}
    version = strawberry.type(
        type(
            f"{declared.name}VersionField",
            (),
            {"__module__": __name__, "version": version_field(declared)},
        )
    )
    return Edited(
        declared=declared,
        mutations=[mutations_for(declared, make, known)],
        loaders={version_loader(declared): versions(declared)},
        fields=version,
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
