"""A declared type's mutations, generated from its declaration: create, update and delete (and
publish, unpublish and schedule for a type with a lifecycle, :mod:`hub.content.lifecycle`).

Every mutation answers with a payload: the changed object, or ``errors`` naming each input
field that was refused (then nothing was written). Updates and deletes carry the ``version``
the client read; when someone changed the object since, the answer is a ``CONFLICT`` error
instead of silently overwriting their work. Who may call them is the type's
``Editing(scopes=...)``; the checks and the writing live in :mod:`hub.content.editing`, the one
validation in :mod:`hub.content.checking`, the inputs in :mod:`hub.content.edit_types`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import strawberry

from hub.content.content_type import ContentType
from hub.content.core_types import BY_NAME
from hub.content.edit_types import DeleteInput, DeletePayload, create_input, payload, update_input
from hub.content.editing import Kind
from hub.content.editor import Editor, answer_with, mutation
from hub.content.lifecycle import lifecycle_mutations
from hub.content.translation_mutations import translation_mutations


def mutations_for(
    declared: ContentType,
    make: Callable[[dict[str, Any]], Any],
    references: Mapping[str, ContentType] | None = None,
) -> type:
    """The ``Mutation`` fields of ``declared``, as a Strawberry type to merge into the root.

    ``make`` is the GraphQL type's ``from_row``; ``references``: the declared types its
    foreign keys and links point at, by name (default: the core's and itself).
    """
    editor = Editor(
        Kind(declared, make), {**BY_NAME, declared.name: declared, **(references or {})}
    )
    rules = editor.editing
    name, label = declared.name, declared.label
    created, updated = payload(declared, "Create"), payload(declared, "Update")
    fields: dict[str, Any] = {
        f"create_{label}": mutation(
            f"create{name}", rules.describe("create", label), rules.scopes,
            create_input(declared), created, answer_with(editor, created, editor.create),
        ),
        f"update_{label}": mutation(
            f"update{name}", rules.describe("update", label), rules.scopes,
            update_input(declared), updated, answer_with(editor, updated, editor.update),
        ),
        f"delete_{label}": mutation(
            f"delete{name}", rules.describe("delete", label), rules.scopes,
            DeleteInput, DeletePayload, editor.delete,
        ),
    }  # fmt: skip
    if rules.lifecycle:
        fields.update(lifecycle_mutations(editor))
    fields.update(translation_mutations(editor, updated))
    body = type(f"{name}Mutations", (), {"__module__": __name__, **fields})
    return strawberry.type(body)
