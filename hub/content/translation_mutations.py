"""The mutations that translate a declared type, generated from its declaration.

A type with ``translatable`` fields gets ``set<Name>Translation`` (the values of one language;
a field left out keeps its translation, null removes it) and ``remove<Name>Translation``; a
type with ``linked_translations`` gets ``link<Name>Translation`` (join the translation group of
``translationOf``) and ``unlink<Name>Translation``. Each is a change of the object like an
update: the type's scopes and guard, the ``version`` read (a ``CONFLICT`` when it moved), an
audit entry (``<type>.translate``, ``<type>.link_translation``, ...), the version moved and a
content event, all in one transaction; each answers with the type's update payload.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import strawberry
from strawberry import relay
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from hub.access.audit import record_change
from hub.content import edit_input, editing
from hub.content.checking import check_values
from hub.content.content_type import TRANSLATION_GROUP, ContentType
from hub.content.edit_types import strawberry_class
from hub.content.editing import Change, conflict, not_found, read_row
from hub.content.editor import Editor, Outcome, answer_with, attempt, mutation
from hub.content.field_errors import ErrorCode, Problems, Refused
from hub.content.languages import canonical
from hub.content.translation_models import owner_column, translations_of
from hub.content.validation import check_language_tag
from hub.events import ContentEvent
from hub.graphql.context import Context, Info
from hub.graphql.nodes import node_key

UNSET: Any = strawberry.UNSET


def _identity(declared: ContentType) -> list[tuple[str, Any, Any]]:
    read = f"The version you read (`{declared.name}.version`)."
    return [
        ("id", relay.GlobalID, strawberry.field()),
        ("version", int, strawberry.field(description=read)),
    ]


def checked_language(
    context: Context, language: str, problems: Problems, label: str = "language"
) -> str:
    """A translation's language: a BCP 47 tag other than the organisation's own."""
    try:
        check_language_tag(language)
    except ValueError as error:
        problems.add(label, str(error))
        return language
    tag = canonical(language)
    if tag == canonical(context.settings.default_language):
        problems.add(
            label,
            f"{tag!r} is the organisation's language (HUB_DEFAULT_LANGUAGE), in which the "
            "object's own fields are written: change those instead.",
        )
    return tag


async def translate(
    context: Context, editor: Editor, pk: int, version: int, language: str, given: dict[str, Any]
) -> Change:
    """Set ``given`` (field → value, None: untranslated) of one language, in one transaction."""
    kind, declared = editor.kind, editor.declared
    model, owner = translations_of(declared), owner_column(declared)
    names = [spec.name for spec in declared.translatable_fields]
    change = Change()
    async with in_transaction():
        before = await read_row(kind, pk)
        if before is None:
            raise not_found(kind)
        if editor.editing.guard is not None:
            await editor.editing.guard(context, before)
        if before["version"] != version:
            raise conflict(kind, version, before["version"])
        stored = await model.filter(**{owner: pk, "language": language}).first().values(*names)
        old = {name: value for name, value in (stored or {}).items() if value is not None}
        new = {**old, **{name: value for name, value in given.items()}}
        new = {name: new[name] for name in names if new.get(name) is not None}
        await model.filter(**{owner: pk, "language": language}).delete()
        if new:
            await model.create(**{owner: pk, "language": language, **new})
        stamp: dict[str, Any] = {"version": F("version") + 1}
        if kind.timestamped:
            stamp["updated_at"] = datetime.now(UTC)
        written = await kind.model.filter(id=pk, version=version).update(**stamp)
        if written != 1:
            raise conflict(kind, version, version + 1)
        change.row = await read_row(kind, pk)
        await record_change(
            context.actor, f"{kind.label}.translate", kind.type_name, pk, before["slug"],
            {"translations": {language: old}}, {"translations": {language: new}},
        )  # fmt: skip
    assert change.row is not None
    change.events.append(
        ContentEvent(
            kind.changed, kind.type_name, pk, before["slug"],
            {"translations": {language: new or None}}, public_id=node_key(before["public_id"]),
        )
    )  # fmt: skip
    return change


def field_translation_mutations(editor: Editor, updated: Any) -> dict[str, Any]:
    declared = editor.declared
    name, label, rules = declared.name, declared.label, editor.editing
    values = [
        (spec.name, str | None, strawberry.field(default=UNSET, name=spec.graphql_name))
        for spec in declared.translatable_fields
    ]
    language = ("language", str, strawberry.field(description="BCP 47 tag, such as fr or pt-BR."))
    set_input = strawberry_class(
        f"Set{name}TranslationInput",
        f"A {label}'s fields in one language: those left out keep their translation, null "
        "removes it (the next language of the fallback chain is then served).",
        [*_identity(declared), language, *values],
        is_input=True,
    )
    remove_input = strawberry_class(
        f"Remove{name}TranslationInput",
        f"Remove a {label}'s translation into one language.",
        [*_identity(declared), language],
        is_input=True,
    )
    names = [spec.name for spec in declared.translatable_fields]

    async def set_values(info: Info, data: Any, remove: bool = False) -> Outcome:
        problems = Problems()
        try:
            pk = await editor.target(data.id, problems)
        except Refused as refused:
            return None, refused.errors
        tag = checked_language(info.context, data.language, problems)
        sent = (
            {} if remove else {n: getattr(data, n) for n in names if getattr(data, n) is not UNSET}
        )
        given = {n: None for n in names} if remove else {n: v for n, v in sent.items() if v is None}
        cleaned, invalid = check_values(
            declared, {n: v for n, v in sent.items() if v is not None}, complete=False
        )
        for found in invalid:
            problems.add(found.field, found.message, ErrorCode(found.code))
        given.update({n: v or None for n, v in cleaned.items()})
        if problems.errors:
            return None, problems.errors
        change = translate(info.context, editor, pk, data.version, tag, given)
        return await attempt(change, info.context)

    async def remove_values(info: Info, data: Any) -> Outcome:
        return await set_values(info, data, remove=True)

    return {
        f"set_{label}_translation": mutation(
            f"set{name}Translation", f"Translate a {label}'s fields into one language.",
            rules.scopes, set_input, updated, answer_with(editor, updated, set_values),
        ),
        f"remove_{label}_translation": mutation(
            f"remove{name}Translation", f"Remove a {label}'s translation into one language.",
            rules.scopes, remove_input, updated, answer_with(editor, updated, remove_values),
        ),
    }  # fmt: skip


async def _link(context: Context, editor: Editor, pk: int, version: int, other: int) -> Change:
    kind = editor.kind
    done = Change()
    async with in_transaction():
        source = await read_row(kind, other)
        if source is None:
            raise not_found(kind, "translationOf")
        if other == pk:
            problems = Problems()
            problems.add("translationOf", f"A {kind.label} is not a translation of itself.")
            problems.raise_if_any()
        group = source[TRANSLATION_GROUP]
        if not group:
            # The first translation: the original gets the group key, nothing else changes.
            group = str(uuid.uuid4())
            first = await editing.update(
                context, kind, other, source["version"], {TRANSLATION_GROUP: group},
                action="link_translation",
            )  # fmt: skip
            done.events += first.events
        linked = await editing.update(
            context, kind, pk, version, {TRANSLATION_GROUP: group},
            guard=editor.editing.guard, action="link_translation",
        )  # fmt: skip
        done.row, done.events = linked.row, [*done.events, *linked.events]
    return done


def linked_translation_mutations(editor: Editor, updated: Any) -> dict[str, Any]:
    declared = editor.declared
    name, label, rules = declared.name, declared.label, editor.editing
    of_group = f"A {label} of the group to join, in another language."
    link_input = strawberry_class(
        f"Link{name}TranslationInput",
        f"Make a {label} a translation of another: it joins that one's translation group.",
        [
            *_identity(declared),
            ("translation_of", relay.GlobalID, strawberry.field(description=of_group)),
        ],
        is_input=True,
    )
    unlink_input = strawberry_class(
        f"Unlink{name}TranslationInput",
        f"Take a {label} out of its translation group (the others stay linked).",
        _identity(declared),
        is_input=True,
    )

    async def link(info: Info, data: Any) -> Outcome:
        problems = Problems()
        try:
            pk = await editor.target(data.id, problems)
            key = edit_input.decode_id(data.translation_of, editor.kind, "translationOf", problems)
            problems.raise_if_any()
        except Refused as refused:
            return None, refused.errors
        found = await edit_input.existing_ids(
            [data.translation_of], editor.kind, "translationOf", problems
        )
        if problems.errors or key is None or not found:
            return None, problems.errors
        return await attempt(_link(info.context, editor, pk, data.version, found[0]), info.context)

    async def unlink(info: Info, data: Any) -> Outcome:
        problems = Problems()
        try:
            pk = await editor.target(data.id, problems)
        except Refused as refused:
            return None, refused.errors
        change = editing.update(
            info.context, editor.kind, pk, data.version, {TRANSLATION_GROUP: None},
            guard=editor.editing.guard, action="unlink_translation",
        )  # fmt: skip
        return await attempt(change, info.context)

    return {
        f"link_{label}_translation": mutation(
            f"link{name}Translation",
            f"Link a {label} to its translation in another language (each keeps its slug, "
            "status and dates).",
            rules.scopes, link_input, updated, answer_with(editor, updated, link),
        ),
        f"unlink_{label}_translation": mutation(
            f"unlink{name}Translation", f"Take a {label} out of its translation group.",
            rules.scopes, unlink_input, updated, answer_with(editor, updated, unlink),
        ),
    }  # fmt: skip


def translation_mutations(editor: Editor, updated: Any) -> dict[str, Any]:
    """The translation mutations ``editor``'s type declares (none for most)."""
    if editor.declared.linked_translations:
        return linked_translation_mutations(editor, updated)
    if editor.declared.translatable_fields:
        return field_translation_mutations(editor, updated)
    return {}
