"""The inputs and payloads of a declared type's mutations, generated from its declaration.

``Create<Name>Input`` holds the writable fields (required ones without a default must be
given; a reference is an ID, a link list a list of IDs), ``Update<Name>Input`` the ``id``, the
``version`` read and every field optional (left out: unchanged). Every payload is
``{ <name>: <Name>, errors: [FieldError!]! }``; deletes share ``DeleteInput`` and
``DeletePayload``. Types with a lifecycle get the publish, unpublish and schedule inputs.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import strawberry
from strawberry import relay

from hub.content.content_type import TRANSLATION_GROUP, ContentType
from hub.content.field_errors import FieldError
from hub.content.field_kinds import NO_DEFAULT, ColumnKind, Field
from hub.content.node_types import camel, python_type
from hub.graphql.lazy import ref

UNSET: Any = strawberry.UNSET
#: Set by the lifecycle mutations of a type with ``Editing(lifecycle=True)``, never by inputs.
LIFECYCLE_FIELDS = ("status", "published_at")
_MISSING: Any = dataclasses.MISSING


@strawberry.input(description="Delete an object, at the version you read.")
class DeleteInput:
    id: relay.GlobalID
    version: int


@strawberry.type(description="What a delete did: the ID of the object that is gone.")
class DeletePayload:
    deleted_id: relay.GlobalID | None
    errors: list[FieldError]


def strawberry_class(
    name: str, description: str | None, fields: list[tuple[str, Any, Any]], *, is_input: bool
) -> Any:
    """A Strawberry input or type ``name`` with ``(name, annotation, strawberry.field)`` fields."""
    body = type(
        name,
        (),
        {
            "__annotations__": {field_name: annotation for field_name, annotation, _ in fields},
            "__module__": __name__,
            **{field_name: made for field_name, _, made in fields},
        },
    )
    decorate = strawberry.input if is_input else strawberry.type
    return decorate(body, name=name, description=description)


def _field(default: Any = _MISSING, description: str | None = None, **options: Any) -> Any:
    return strawberry.field(default=default, description=description, **options)


def input_fields(declared: ContentType) -> tuple[Field, ...]:
    """The declared fields an input sets, in declared order."""
    lifecycle = declared.editing is not None and declared.editing.lifecycle
    return tuple(
        spec
        for spec in declared.writable
        if not (lifecycle and spec.name in LIFECYCLE_FIELDS)
        # Set by the link mutations (hub.content.linked_translations), which check the group.
        and not (declared.linked_translations and spec.name == TRANSLATION_GROUP)
    )


def create_field(spec: Field) -> tuple[str, Any, Any]:
    name = spec.graphql_name
    described = "HTML; sanitised before it is stored." if spec.kind is ColumnKind.HTML else None
    if spec.kind is ColumnKind.FOREIGN_KEY:
        return spec.name, relay.GlobalID | None, _field(None, name=name)
    served = python_type(spec)
    if spec.default is NO_DEFAULT:
        return spec.name, served, _field(description=described, name=name)
    if spec.nullable or spec.blank_as_null:
        return spec.name, served, _field(None, described, name=name)
    return spec.name, served, _field(spec.default, described, name=name)


def _update_field(spec: Field) -> tuple[str, Any, Any]:
    annotation = relay.GlobalID if spec.kind is ColumnKind.FOREIGN_KEY else python_type(spec)
    return spec.name, annotation | None, _field(UNSET, name=spec.graphql_name)


def _identity(declared: ContentType) -> list[tuple[str, Any, Any]]:
    return [
        ("id", relay.GlobalID, _field()),
        ("version", int, _field(description=f"The version you read (`{declared.name}.version`).")),
    ]


def a_or_an(label: str) -> str:
    """``a post``, ``an event``: the label with its indefinite article, for descriptions."""
    return f"{'an' if label[:1] in 'aeiou' else 'a'} {label}"


def create_input(declared: ContentType) -> Any:
    lifecycle = declared.editing is not None and declared.editing.lifecycle
    fields = [create_field(spec) for spec in input_fields(declared)]
    fields += [
        (name, list[relay.GlobalID], _field(default_factory=list)) for name in declared.links
    ]
    draft = ", saved as a draft" if lifecycle else ""
    return strawberry_class(
        f"Create{declared.name}Input", f"A new {declared.label}{draft}.", fields, is_input=True
    )


def update_input(declared: ContentType) -> Any:
    fields = [*_identity(declared), *(_update_field(spec) for spec in input_fields(declared))]
    fields += [(name, list[relay.GlobalID] | None, _field(UNSET)) for name in declared.links]
    return strawberry_class(
        f"Update{declared.name}Input",
        f"Changes to {a_or_an(declared.label)}: fields left out stay as they are.",
        fields,
        is_input=True,
    )


def payload(declared: ContentType, action: str) -> Any:
    """``<Action><Name>Payload``: the object, or the errors that refused the change."""
    fields = [
        (camel(declared.name), ref(declared.name) | None, _field()),
        ("errors", list[FieldError], _field()),
    ]
    return strawberry_class(f"{action}{declared.name}Payload", None, fields, is_input=False)


def lifecycle_inputs(declared: ContentType) -> dict[str, Any]:
    """The inputs of ``publish<Name>``, ``unpublish<Name>`` and ``schedule<Name>``, by action."""
    label, name = declared.label, declared.name
    publish = [
        *_identity(declared)[:1],
        ("version", int, _field()),
        (
            "published_at",
            datetime | None,
            _field(
                None,
                f"A past moment; default: the {label}'s earlier publication date, else now.",
            ),
        ),
    ]
    unpublish = [*_identity(declared)[:1], ("version", int, _field())]
    schedule = [*unpublish, ("publish_at", datetime, _field())]
    return {
        "Publish": strawberry_class(
            f"Publish{name}Input",
            f"Publish a {label} now, or backdated to `publishedAt`.",
            publish,
            is_input=True,
        ),
        "Unpublish": strawberry_class(
            f"Unpublish{name}Input",
            f"Turn a published or scheduled {label} back into a draft.",
            unpublish,
            is_input=True,
        ),
        "Schedule": strawberry_class(
            f"Schedule{name}Input",
            f"Publish a {label} by itself at a future moment.",
            schedule,
            is_input=True,
        ),
    }
