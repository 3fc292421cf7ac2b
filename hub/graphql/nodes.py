"""Resolving Relay global IDs to objects through a DataLoader, for ``resolve_nodes``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hub.graphql.context import Info


async def nodes_by_pk(
    info: Info, loader: str, node_ids: Iterable[str], required: bool = False
) -> list[Any]:
    """The objects for ``node_ids`` (primary keys as text), in order, None where none is visible.

    Use it as the body of a Node type's ``resolve_nodes``: the loader named ``loader`` gets every
    id in one batch, and ids that are not integers resolve to None rather than to an error.
    """
    keys = [int(node_id) if node_id.isdigit() else None for node_id in node_ids]
    wanted = [key for key in keys if key is not None]
    found = await info.context.loaders[loader].load_many(wanted)
    by_key = dict(zip(wanted, found, strict=True))
    nodes = [by_key.get(key) if key is not None else None for key in keys]
    if required and any(node is None for node in nodes):
        raise ValueError("a requested node does not exist or is not visible")
    return nodes
