"""Setting a declared part of another object (a section's map location) through GraphQL.

A type declared ``part_of`` a foreign key has no identity of its own: it is at most one row per
owner, and readers see it on the owner (``Section.location``). So it is not created, updated and
deleted like content but *set* on its owner, whole: ``set<Name>(input: {<owner>: ID!, ...})``
answers ``{ <owner> errors }``, the owner as it reads now. Its values go through the validation
the importer uses (:func:`hub.content.checking.check_values`, record checks included); the write
and its audit entry are one transaction, filed under the owner (``auditLog(filter: {objectId:
<owner's ID>})`` lists it); the ``<type>.changed`` event is sent after the commit and carries the
owner's id and slug, so caches forget the answers that showed the owner.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import strawberry
from strawberry import relay
from tortoise.transactions import in_transaction

from hub.access.audit import record_change
from hub.content.checking import check_values
from hub.content.content_type import ContentType
from hub.content.core_types import BY_NAME
from hub.content.edit_types import a_or_an, create_field, strawberry_class
from hub.content.editing import Change, Kind, changed_values
from hub.content.editor import attempt, mutation
from hub.content.field_errors import ErrorCode, FieldError, Problems, Refused
from hub.content.node_types import camel
from hub.events import ContentEvent
from hub.graphql.context import Info
from hub.graphql.lazy import ref
from hub.graphql.nodes import node_key, parse_key, row_ids


def _owner(declared: ContentType, references: Mapping[str, ContentType]) -> ContentType:
    name = declared.owner_type
    if name is None or declared.part_of is None:
        raise ValueError(f"{declared.name} is not part_of another type: serve it with served()")
    if declared.editing is None:
        raise ValueError(f"{declared.name} declares no editing: give it Editing(scopes=...)")
    known = {**BY_NAME, **references}
    if name not in known:
        raise ValueError(f"{declared.name} is part of {name}, which is not known here")
    return known[name]


def part_mutations(
    declared: ContentType, references: Mapping[str, ContentType] | None = None
) -> type:
    """``set<Name>(input: {<owner>: ID!, ...})`` for a type declared ``part_of`` another: the
    part set whole on its owner, audited and told after the commit (a ``Mutation`` root part).

    ``references``: the plugin type ``declared`` is part of, by name (the core's are known).
    """
    owner = _owner(declared, references or {})
    assert declared.part_of is not None
    assert declared.editing is not None
    key = declared.fields[declared.part_of]
    owner_label, owner_field = key.label, camel(owner.name)
    values = [spec for spec in declared.writable if spec.name != declared.part_of]
    fields = [(key.name, relay.GlobalID, strawberry.field(description=f"The {owner.label}."))]
    fields += [create_field(spec) for spec in values]
    input_type = strawberry_class(
        f"Set{declared.name}Input",
        f"{declared.description} Set whole on {a_or_an(owner.label)}; optional fields left "
        "out take their defaults.",
        fields,
        is_input=True,
    )
    payload_type = strawberry_class(
        f"Set{declared.name}Payload",
        None,
        [
            (owner_field, ref(owner.name) | None, strawberry.field()),
            ("errors", list[FieldError], strawberry.field()),
        ],
        is_input=False,
    )
    part, owner_kind = Kind(declared, dict), Kind(owner, dict)

    async def set_part(info: Info, data: Any) -> Any:
        problems = Problems()
        owner_pk = await _owner_pk(owner_kind, getattr(data, key.name), owner_label, problems)
        given = {spec.name: getattr(data, spec.name) for spec in values}
        columns, invalid = check_values(declared, given, complete=True)
        problems.add_invalid(declared, [item for item in invalid if item.field != key.name])
        if problems.errors or owner_pk is None:
            return payload_type(**{owner_field: None, "errors": problems.errors})
        columns.pop(key.name, None)
        row, errors = await attempt(_write(info, part, owner_kind, owner_pk, columns), info.context)
        found = await info.context.loaders[f"{owner.label}_by_id"].load(owner_pk) if row else None
        return payload_type(**{owner_field: found, "errors": errors})

    name = f"set{declared.name}"
    description = (
        f"Set {a_or_an(owner.label)}'s {snake_words(declared)} (replacing the one it had); "
        f"needs `{'` or `'.join(declared.editing.scopes)}`."
    )
    body = {
        f"set_{declared.event_label}": mutation(
            name, description, declared.editing.scopes, input_type, payload_type, set_part
        )
    }
    return strawberry.type(type(f"{declared.name}Mutations", (), {"__module__": __name__, **body}))


def snake_words(declared: ContentType) -> str:
    """``SectionLocation`` part of ``Section`` -> ``location``: the part's name on its owner."""
    words = declared.event_label.split("_")
    owner = (declared.owner_type or "").lower()
    return " ".join(words[1:] if words[0] == owner and len(words) > 1 else words)


async def _owner_pk(
    owner: Kind, global_id: relay.GlobalID, label: str, problems: Problems
) -> int | None:
    if global_id.type_name != owner.type_name:
        problems.add(
            label, f"{label} expects a {owner.type_name} ID, not a {global_id.type_name} ID."
        )
        return None
    wanted = parse_key(global_id.node_id)
    if wanted is None:
        problems.add(label, f"{label}: {global_id.node_id[:40]!r} is not a {owner.type_name} ID.")
        return None
    found = (await row_ids(owner.model, [wanted])).get(wanted)
    if found is None:
        problems.add(label, f"There is no such {owner.label}.", ErrorCode.NOT_FOUND)
    return found


async def _write(
    info: Info, part: Kind, owner: Kind, owner_pk: int, columns: Mapping[str, Any]
) -> Change:
    declared = part.declared
    assert declared.part_of is not None
    owner_column = declared.fields[declared.part_of].column
    read = [spec.column for spec in declared.fields.values() if spec.name != declared.part_of]
    change = Change()
    async with in_transaction():
        owner_row = await owner.model.filter(id=owner_pk).first().values("slug", "public_id")
        if owner_row is None:  # deleted since it was looked up
            raise Refused([FieldError(field=camel(declared.part_of),
                                      message=f"There is no such {owner.label}.",
                                      code=ErrorCode.NOT_FOUND)])  # fmt: skip
        existing = part.model.filter(**{owner_column: owner_pk})
        before = await existing.first().values(*read)
        if before is None:
            await part.model.create(**{owner_column: owner_pk}, **columns)
        else:
            # save() keeps auto_now columns and runs the model's validators, as create does.
            row = await existing.first()
            assert row is not None
            row.update_from_dict(dict(columns))
            await row.save()
        after = await existing.first().values(*read)
        # Filed under the owner: its audit trail shows where it was put, and by whom.
        public = {"public_id": owner_row["public_id"]}
        await record_change(
            info.context.actor, f"{declared.event_label}.set", owner.type_name, owner_pk,
            owner_row["slug"], {**public, **before} if before else None, {**public, **after},
        )  # fmt: skip
        change.row = after
    change.events.append(
        ContentEvent(
            declared.changed_event,
            declared.name,
            owner_pk,
            owner_row["slug"],
            changed_values(before, after),
            public_id=node_key(owner_row["public_id"]),
        )
    )
    return change
