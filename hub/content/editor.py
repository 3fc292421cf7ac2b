"""How one declared type's mutation inputs become changes: the generic create, update and
delete behind :func:`hub.content.mutations.mutations_for`, and the root fields they make."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import strawberry
from strawberry import relay

from hub.access.permissions import RequireScope
from hub.content import edit_input, editing
from hub.content.content_type import ContentType
from hub.content.edit_types import DeleteInput, DeletePayload, input_fields
from hub.content.editing import Change, Kind
from hub.content.field_errors import ErrorCode, FieldError, Problems, Refused
from hub.content.field_kinds import ColumnKind
from hub.graphql.context import Context, Info
from hub.graphql.nodes import parse_key, row_ids

UNSET: Any = strawberry.UNSET
Outcome = tuple[dict[str, Any] | None, list[FieldError]]


class Editor:
    """How one declared type's inputs become changes: the generic create, update and delete."""

    def __init__(self, kind: Kind, references: Mapping[str, ContentType]) -> None:
        self.kind = kind
        self.declared = kind.declared
        assert self.declared.editing is not None, f"{self.declared.name} declares no editing"
        self.editing = self.declared.editing
        self.references = references
        self.values = [spec.name for spec in input_fields(self.declared)]
        self.keys = [name for name in self.values if self._is_reference(name)]

    def _is_reference(self, name: str) -> bool:
        return self.declared.fields[name].kind is ColumnKind.FOREIGN_KEY

    def _target(self, name: str) -> Kind:
        # Only the model and the name of a referenced type are needed to check IDs.
        return Kind(self.references[name], lambda row: row)

    def given_values(self, data: object) -> dict[str, Any]:
        """The declared field values the client sent; links and references are read apart."""
        return edit_input.given(
            {name: getattr(data, name) for name in self.values if name not in self.keys}
        )

    async def links_given(self, data: object, problems: Problems) -> dict[str, list[int]]:
        """The row ids of each link list sent (a post's authors, ...), checked to exist."""
        links: dict[str, list[int]] = {}
        for name, link in self.declared.links.items():
            global_ids = getattr(data, name)
            if global_ids is UNSET:
                continue
            if global_ids is None:
                problems.add(name, f"{name} cannot be null; send [] for none.", ErrorCode.REQUIRED)
                continue
            target = self._target(link.target)
            links[name] = await edit_input.existing_ids(global_ids, target, name, problems)
        return links

    async def references_given(self, data: object, problems: Problems) -> dict[str, Any]:
        """Columns of the references sent (a person's section), checked to exist."""
        columns: dict[str, Any] = {}
        for name in self.keys:
            spec = self.declared.fields[name]
            global_id = getattr(data, name)
            if global_id is UNSET:
                continue
            if global_id is None:
                columns[spec.column] = None
                continue
            target = self._target(spec.target or "")
            found = await edit_input.existing_ids([global_id], target, spec.label, problems)
            if found:
                columns[spec.column] = found[0]
        return columns

    async def columns(self, data: object, problems: Problems) -> dict[str, Any]:
        columns = edit_input.clean_columns(self.kind, self.given_values(data), problems)
        columns.update(await self.references_given(data, problems))
        return columns

    async def target(self, global_id: relay.GlobalID, problems: Problems) -> int:
        """The row the mutation's ``id`` names: an old ID's row number is used as it is (the
        edit finds out whether it exists), a public id is looked up."""
        key = edit_input.decode_id(global_id, self.kind, "id", problems)
        problems.raise_if_any()
        assert key is not None
        if isinstance(key, int):
            return key
        pk = (await row_ids(self.kind.model, [key])).get(key)
        if pk is None:
            raise editing.not_found(self.kind)
        return pk

    async def create(self, info: Info, data: Any) -> Outcome:
        problems = Problems()
        columns = await self.columns(data, problems)
        links = await self.links_given(data, problems)
        if self.editing.on_create is not None:
            self.editing.on_create(info.context, links)
        if problems.errors:
            return None, problems.errors
        return await attempt(editing.create(info.context, self.kind, columns, links), info.context)

    async def update(self, info: Info, data: Any) -> Outcome:
        problems = Problems()
        try:
            pk = await self.target(data.id, problems)
        except Refused as refused:
            return None, refused.errors
        columns = await self.columns(data, problems)
        links = await self.links_given(data, problems)
        if problems.errors:
            return None, problems.errors
        change = editing.update(
            info.context, self.kind, pk, data.version, columns, links, guard=self.editing.guard
        )
        return await attempt(change, info.context)

    async def delete(self, info: Info, data: DeleteInput) -> DeletePayload:
        problems = Problems()
        try:
            pk = await self.target(data.id, problems)
        except Refused as refused:
            return DeletePayload(deleted_id=None, errors=refused.errors)
        change = editing.delete(info.context, self.kind, pk, data.version, self.editing.guard)
        _, errors = await attempt(change, info.context)
        # The ID as the client gave it (an old one stays old): the one its cache holds.
        given = parse_key(data.id.node_id)
        gone = None if errors or given is None else edit_input.global_id(self.kind, given)
        return DeletePayload(deleted_id=gone, errors=errors)

    def make(self, row: Mapping[str, Any] | None) -> Any:
        return self.kind.make(dict(row)) if row is not None else None


async def attempt(change: Awaitable[Change], context: Context) -> Outcome:
    """Run a change; its row on success (after telling plugins), else the refusal's errors."""
    try:
        done = await change
    except Refused as refused:
        return None, refused.errors
    await editing.announce(context, done)
    return done.row, []


def mutation(
    name: str,
    description: str,
    scopes: Sequence[str],
    input_type: Any,
    payload_type: Any,
    run: Callable[[Info, Any], Awaitable[Any]],
) -> Any:
    """A root mutation field ``name(input: <input_type>!): <payload_type>!``."""

    async def resolve(self: Any, info: Info, input: Any) -> Any:
        return await run(info, input)

    resolve.__annotations__ = {"info": Info, "input": input_type, "return": payload_type}
    return strawberry.mutation(
        resolver=resolve,
        name=name,
        description=description,
        permission_classes=[RequireScope(*scopes)],
    )


def answer_with(editor: Editor, made: Any, run: Callable[[Info, Any], Awaitable[Outcome]]) -> Any:
    field = editor.declared.name[:1].lower() + editor.declared.name[1:]

    async def answer(info: Info, data: Any) -> Any:
        row, errors = await run(info, data)
        return made(**{field: editor.make(row), "errors": errors})

    return answer
