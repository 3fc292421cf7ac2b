"""An edit's input checked against the declarations and the database, before it is written.

Field values go through the validation the importer uses too (:mod:`hub.content.checking`);
IDs must name objects of the right type that exist; a slug must be free.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import strawberry
from strawberry import relay

from hub.content.checking import check_values
from hub.content.editing import Kind
from hub.content.field_errors import ErrorCode, Problems
from hub.graphql import nodes
from hub.graphql.nodes import NodeKey, parse_key, row_ids


def given(values: Mapping[str, Any]) -> dict[str, Any]:
    """The fields the client sent: ``UNSET`` ones are left as they are."""
    return {name: value for name, value in values.items() if value is not strawberry.UNSET}


def clean_columns(kind: Kind, values: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
    """Column values from input values, checked by the shared validation; problems recorded."""
    columns, invalid = check_values(kind.declared, values, complete=False)
    problems.add_invalid(kind.declared, invalid)
    return columns


def decode_id(
    global_id: relay.GlobalID, kind: Kind, label: str, problems: Problems
) -> NodeKey | None:
    if global_id.type_name != kind.type_name:
        problems.add(
            label, f"{label} expects a {kind.type_name} ID, not a {global_id.type_name} ID."
        )
        return None
    key = parse_key(global_id.node_id)
    if key is None:
        problems.add(label, f"{label}: {global_id.node_id[:40]!r} is not a {kind.type_name} ID.")
    return key


async def existing_ids(
    global_ids: Sequence[relay.GlobalID], kind: Kind, label: str, problems: Problems
) -> list[int]:
    """The row ids of ``global_ids``, in order, once each; unknown ones are problems."""
    keys = [decode_id(global_id, kind, label, problems) for global_id in global_ids]
    wanted = list(dict.fromkeys(key for key in keys if key is not None))
    found = await row_ids(kind.model, wanted)
    missing = [key for key in wanted if key not in found]
    if missing:
        problems.add(
            label,
            f"{label}: no {kind.type_name} with the ID(s) "
            + ", ".join(str(global_id(kind, key)) for key in missing)
            + ".",
            ErrorCode.NOT_FOUND,
        )
    return list(dict.fromkeys(found[key] for key in wanted if key in found))


def global_id(kind: Kind, key: NodeKey) -> relay.GlobalID:
    """The global ID of the ``kind`` object with this key: a public id, or an old ID's row
    number as the client sent it."""
    return nodes.global_id(kind.type_name, key)
