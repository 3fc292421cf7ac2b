"""The access plugin's GraphQL fields: who am I, the audit log, and preview links."""

from __future__ import annotations

from datetime import datetime, timedelta

import strawberry
from strawberry import relay

from hub.access.actor import TokenActor
from hub.access.audit import AUDIT_FIELDS, AuditEntryType
from hub.access.models import AuditEntry
from hub.access.permissions import RequireScope
from hub.access.preview import DEFAULT_LIFETIME, MAX_LIFETIME, read_preview, sign_preview
from hub.access.scopes import AUDIT_READ, WRITE, WRITE_OWN
from hub.content.core_types import BY_NAME
from hub.content.edit_input import decode_id
from hub.content.editing import POST
from hub.content.field_errors import ErrorCode, FieldError, Problems
from hub.content.loaders import POST_FIELDS
from hub.content.models import Post
from hub.content.types import PostType
from hub.errors import UserError
from hub.graphql.connection import Connection
from hub.graphql.context import Info
from hub.graphql.nodes import key_problem, parse_key, row_ids
from hub.graphql.pagination import Ordering, PageArgs, SortColumn, paginate
from hub.graphql.refs import PostRef


@strawberry.type(name="Viewer", description="The account behind the request's API token.")
class ViewerType:
    email: str
    role: str
    scopes: list[str] = strawberry.field(description="What this token may do, sorted.")
    token_prefix: str = strawberry.field(description="The token's first characters.")
    token_expires_at: datetime | None


@strawberry.input(description="Narrows the audit log.")
class AuditFilter:
    type_name: str | None = strawberry.field(default=None, description="Such as Post.")
    object_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Only the changes of this object."
    )
    action: str | None = strawberry.field(default=None, description="Such as post.publish.")


AUDIT_ORDER = Ordering(name="audit:newest", columns=(SortColumn("id", True, "int"),))


async def _audited_row(object_id: relay.GlobalID) -> int | None:
    """The row id the audit log records for ``object_id`` (audit entries keep row ids)."""
    key = parse_key(object_id.node_id)
    if key is None:
        raise UserError(key_problem(object_id.node_id), argument="filter")
    if isinstance(key, int):
        return key
    declared = BY_NAME.get(object_id.type_name)
    return None if declared is None else (await row_ids(declared.model, [key])).get(key)


@strawberry.type
class AccessQueries:
    @strawberry.field(description="Who is asking: null without an API token.")
    def viewer(self, info: Info) -> ViewerType | None:
        actor = info.context.actor
        if not isinstance(actor, TokenActor):
            return None
        return ViewerType(
            email=actor.email,
            role=actor.role.value,
            scopes=sorted(actor.scopes),
            token_prefix=actor.token_prefix,
            token_expires_at=actor.expires_at,
        )

    @strawberry.field(
        description="Every change made through the API, newest first.",
        permission_classes=[RequireScope(AUDIT_READ)],
    )
    async def audit_log(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: AuditFilter | None = None,
    ) -> Connection[AuditEntryType]:
        queryset = AuditEntry.all()
        if filter is not None:
            if filter.type_name is not None:
                queryset = queryset.filter(type_name=filter.type_name)
            if filter.object_id is not None:
                type_name = filter.object_id.type_name
                queryset = queryset.filter(
                    type_name=type_name, object_id=await _audited_row(filter.object_id)
                )
            if filter.action is not None:
                queryset = queryset.filter(action=filter.action)
        page = await paginate(
            queryset, AUDIT_ORDER, PageArgs(first, after, last, before), AUDIT_FIELDS
        )
        return Connection.from_page(page, AuditEntryType.from_row)

    @strawberry.field(
        description="The post a preview link shows, draft or not; an error once it expired."
    )
    async def preview_post(self, info: Info, token: str) -> PostRef | None:
        post_id = read_preview(info.context.settings, token, info.context.now)
        row = await Post.filter(id=post_id).first().values(*POST_FIELDS)
        return PostType.from_row(row) if row else None


@strawberry.input(description="Which post to preview, and for how long.")
class CreatePostPreviewInput:
    id: relay.GlobalID
    expires_in: int = strawberry.field(
        default=int(DEFAULT_LIFETIME.total_seconds()),
        description="Seconds the link works (at most 30 days).",
    )


@strawberry.type
class CreatePostPreviewPayload:
    token: str | None = strawberry.field(description="For `previewPost(token:)`.")
    expires_at: datetime | None
    errors: list[FieldError]


@strawberry.type
class AccessMutations:
    @strawberry.mutation(
        description="A link that shows one post, draft or not, until it expires.",
        permission_classes=[RequireScope(WRITE, WRITE_OWN)],
    )
    async def create_post_preview(
        self, info: Info, input: CreatePostPreviewInput
    ) -> CreatePostPreviewPayload:
        problems = Problems()
        key = decode_id(input.id, POST, "id", problems)
        post_id = None if key is None else (await row_ids(Post, [key])).get(key)
        lifetime = timedelta(seconds=input.expires_in)
        if not timedelta(seconds=60) <= lifetime <= MAX_LIFETIME:
            problems.add(
                "expiresIn",
                f"expiresIn must be between 60 and {int(MAX_LIFETIME.total_seconds())} seconds.",
            )
        if key is not None and post_id is None:
            problems.add("id", "There is no such post.", ErrorCode.NOT_FOUND)
        if problems.errors or post_id is None:
            return CreatePostPreviewPayload(token=None, expires_at=None, errors=problems.errors)
        expires_at = info.context.now + lifetime
        token = sign_preview(info.context.settings, post_id, expires_at)
        return CreatePostPreviewPayload(token=token, expires_at=expires_at, errors=[])
