"""Resolving Relay global IDs to objects through a DataLoader, for ``resolve_nodes``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from hub.errors import UserError
from hub.graphql.context import Info
from hub.keys import MAX_KEY, primary_key


async def nodes_by_pk(
    info: Info, loader: str, node_ids: Iterable[str], required: bool = False
) -> list[Any]:
    """The objects for ``node_ids`` (primary keys as text), in order, None where none is visible.

    Use it as the body of a Node type's ``resolve_nodes``: the loader named ``loader`` gets every
    id in one batch. An id that cannot be a primary key is the client's mistake, a
    ``BAD_USER_INPUT`` error.
    """
    node_ids = list(node_ids)
    keys = [primary_key(node_id) for node_id in node_ids]
    for node_id, key in zip(node_ids, keys, strict=True):
        if key is None:
            raise UserError(
                f"An ID names the key {node_id[:40]!r}, which no object can have: "
                f"keys are whole numbers from 0 to {MAX_KEY}."
            )
    wanted = [key for key in keys if key is not None]
    found = await info.context.loaders[loader].load_many(wanted)
    by_key = dict(zip(wanted, found, strict=True))
    nodes = [by_key.get(key) if key is not None else None for key in keys]
    if required and any(node is None for node in nodes):
        raise ValueError("a requested node does not exist or is not visible")
    return nodes
