"""Publishing, for types declared with ``Editing(lifecycle=True)`` (posts): ``publish<Name>``,
``unpublish<Name>`` and ``schedule<Name>``, which alone set ``status`` and ``published_at``.

A draft has no publication date; publishing again keeps the first one unless the post was
unpublished meanwhile; a scheduled object goes public by itself at ``published_at``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from hub.content import editing
from hub.content.edit_types import lifecycle_inputs, payload
from hub.content.editor import Editor, Outcome, answer_with, attempt, mutation
from hub.content.field_errors import ErrorCode, FieldError, Problems, Refused
from hub.content.models import PostStatus
from hub.content.publishing import publication_problems
from hub.graphql.context import Context, Info


def aware(moment: datetime, label: str, problems: Problems) -> datetime:
    if moment.tzinfo is None:
        problems.add(label, f"{label} needs a time zone, such as 2030-05-01T09:00:00Z.")
    return moment


async def change_status(
    editor: Editor,
    info: Info,
    data: Any,
    problems: Problems,
    status: PostStatus,
    moment: datetime | None,
) -> Outcome:
    try:
        pk = await editor.target(data.id, problems)
    except Refused as refused:
        return None, refused.errors
    if problems.errors:
        return None, problems.errors
    now = info.context.now
    label = editor.declared.label

    # Runs inside the transaction on the row as it is, before ``columns`` are written.
    async def guard(context: Context, row: Mapping[str, Any]) -> None:
        if status is PostStatus.DRAFT and row["status"] == PostStatus.DRAFT:
            raise Refused([FieldError(field="id", message=f"This {label} is a draft already.",
                                      code=ErrorCode.INVALID)])  # fmt: skip
        if status is PostStatus.PUBLISHED and moment is None:
            earlier = row["published_at"]
            # Publishing again keeps the first publication date; a scheduled one starts now.
            columns["published_at"] = earlier if earlier is not None and earlier <= now else now
        if status is not PostStatus.DRAFT:
            refusals = await publication_problems(context.plugin_manager, [row])
            if refusals:
                raise Refused([FieldError(field=field, message=message,
                                          code=ErrorCode.REQUIRED)
                               for _, field, message in refusals])  # fmt: skip

    columns: dict[str, Any] = {"status": status}
    if moment is not None:
        columns["published_at"] = moment.astimezone(UTC)
    if status is PostStatus.DRAFT:
        columns["published_at"] = None  # a draft is not published: publishing again starts now
    action = {"draft": "unpublish", "published": "publish", "scheduled": "schedule"}[status.value]
    change = editing.update(
        info.context, editor.kind, pk, data.version, columns, guard=guard, action=action
    )
    return await attempt(change, info.context)


def lifecycle_mutations(editor: Editor) -> dict[str, Any]:
    """The three root fields, by Python name (``publish_post``, ...)."""
    declared = editor.declared
    name, label = declared.name, declared.label
    scopes = editor.editing.publish_scopes or editor.editing.scopes
    inputs = lifecycle_inputs(declared)

    async def publish(info: Info, data: Any) -> Outcome:
        problems = Problems()
        moment = data.published_at
        if moment is not None and aware(moment, "publishedAt", problems) > info.context.now:
            problems.add("publishedAt", f"publishedAt is in the future: use schedule{name}.")
        return await change_status(editor, info, data, problems, PostStatus.PUBLISHED, moment)

    async def unpublish(info: Info, data: Any) -> Outcome:
        return await change_status(editor, info, data, Problems(), PostStatus.DRAFT, None)

    async def schedule(info: Info, data: Any) -> Outcome:
        problems = Problems()
        if aware(data.publish_at, "publishAt", problems) <= info.context.now:
            problems.add("publishAt", f"publishAt must be in the future: use publish{name}.")
        return await change_status(
            editor, info, data, problems, PostStatus.SCHEDULED, data.publish_at
        )

    descriptions = {
        "Publish": f"Publish a {label} now.",
        "Unpublish": f"Turn a {label} back into a draft.",
        "Schedule": f"Publish a {label} by itself at `publishAt` (no job needed).",
    }
    fields = {}
    for action, run in (("Publish", publish), ("Unpublish", unpublish), ("Schedule", schedule)):
        answers = payload(declared, action)
        fields[f"{action.lower()}_{label}"] = mutation(
            f"{action.lower()}{name}", descriptions[action], scopes, inputs[action], answers,
            answer_with(editor, answers, run),
        )  # fmt: skip
    return fields
