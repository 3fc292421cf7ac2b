"""Relay global IDs: made, read and resolved here, and nowhere else.

A global ID is ``base64("<Type>:<key>")``. For a declared content type the key is the object's
**public id**, a random UUID in its row's ``public_id`` column, given when the object is created
and carried by export and import: the ID names the same object in any database the content
moves to, and tells nothing about row numbers or how many objects there are. Types without
one (a plugin's hand-written model) keep the row number as the key.

IDs handed out before public ids existed name a row number ("Post:1", ``UG9zdDox``); they keep
resolving, as input to ``node``/``nodes`` and to mutations, to the row they named in that
database. Anything else after the type name is the client's mistake (``BAD_USER_INPUT``).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from strawberry import relay
from tortoise.expressions import Q
from tortoise.models import Model

from hub.errors import UserError
from hub.graphql.context import Info
from hub.keys import MAX_KEY, primary_key

#: What follows the type name in a global ID, read: a row number (an old ID) or a public id
#: in its canonical text form.
NodeKey = int | str


def node_key(public_id: Any) -> str:
    """The key of an object's global ID: its public id as text (``resolve_id`` returns it).

    A row's ``public_id`` is a :class:`uuid.UUID` from Tortoise, an asyncpg UUID or text from
    SQLite's ``CHAR(36)``; all print the canonical form.
    """
    return str(public_id)


def resolve_public_id(root: Any) -> str:
    """The key of ``root``'s global ID, for the ``resolve_id`` of a type with public ids::

    @classmethod
    def resolve_id(cls, root: Self, *, info: Info) -> str:
        return resolve_public_id(root)
    """
    return node_key(root.public_id)


def global_id(type_name: str, public_id: Any) -> relay.GlobalID:
    """The global ID of an object of ``type_name`` with this public id."""
    return relay.GlobalID(type_name, node_key(public_id))


def parse_key(text: str, *, public: bool = True) -> NodeKey | None:
    """The public id (canonical text) or row number ``text`` names; None when it names none.

    ``public=False`` for a type without public ids: only row numbers.
    """
    row = primary_key(text)
    if row is not None:
        return row
    if not public or not 32 <= len(text) <= 36:  # hex digits, with or without hyphens
        return None
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def key_problem(text: str, *, public: bool = True) -> str:
    """Why ``text`` cannot be the key of a global ID, for an error message."""
    numbers = f"whole numbers from 0 to {MAX_KEY}"
    return f"An ID names the key {text[:40]!r}, which no object can have: keys are " + (
        f"public ids (UUIDs) or, in older IDs, {numbers}." if public else f"{numbers}."
    )


async def row_ids(model: type[Model], keys: Sequence[NodeKey]) -> dict[NodeKey, int]:
    """The row id of each key that names a row of ``model`` (unknown ones are left out).

    Row numbers are checked against the table too; public ids are looked up in the same one
    statement. For mutation inputs and filters, which work on row ids.
    """
    rows = [key for key in keys if isinstance(key, int)]
    publics = [key for key in keys if isinstance(key, str)]
    if not rows and not publics:
        return {}
    condition = Q(id__in=rows) if rows else Q(public_id__in=publics)
    if rows and publics:
        condition |= Q(public_id__in=publics)
    found: dict[NodeKey, int] = {}
    for pk, public_id in await model.filter(condition).values_list("id", "public_id"):
        found[pk] = pk
        if public_id is not None:
            found[node_key(public_id)] = pk
    return found


async def nodes_by_pk(
    info: Info,
    loader: str,
    node_ids: Iterable[str],
    required: bool = False,
    by_public_id: str | None = None,
) -> list[Any]:
    """The objects for ``node_ids`` (the keys of global IDs), in order, None where none is
    visible.

    Use it as the body of a Node type's ``resolve_nodes``: the loader named ``loader`` gets
    every row number in one batch, the loader ``by_public_id`` (for types with public ids)
    every public id. A key that cannot name an object is the client's mistake, a
    ``BAD_USER_INPUT`` error.
    """
    node_ids = list(node_ids)
    public = by_public_id is not None
    keys = [parse_key(node_id, public=public) for node_id in node_ids]
    for node_id, key in zip(node_ids, keys, strict=True):
        if key is None:
            raise UserError(key_problem(node_id, public=public))
    loaders = info.context.loaders
    rows = [key for key in keys if isinstance(key, int)]
    publics = [key for key in keys if isinstance(key, str)]
    loads = []
    if rows:
        loads.append(loaders[loader].load_many(rows))
    if publics:
        assert by_public_id is not None
        loads.append(loaders[by_public_id].load_many(publics))
    answers = [await loads[0]] if len(loads) == 1 else await asyncio.gather(*loads)
    found = iter(answers)
    by_key: dict[NodeKey, Any] = {}
    for wanted in (rows, publics):
        if wanted:
            by_key.update(zip(wanted, next(found), strict=True))
    nodes = [by_key.get(key) if key is not None else None for key in keys]
    if required and any(node is None for node in nodes):
        raise ValueError("a requested node does not exist or is not visible")
    return nodes
