"""The ``version`` every content object carries, for optimistic concurrency.

One batched query per type when a client asks for it; updates and deletes send it back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader

from hub.content.editing import PERSON, POST, SECTION, THEME, Kind
from hub.errors import UserError
from hub.graphql.context import Info, LoaderFactory


def _version_loader(kind: Kind) -> LoaderFactory:
    async def load(ids: Sequence[int]) -> list[int | None]:
        rows = await kind.model.filter(id__in=list(ids)).values_list("id", "version")
        versions = dict(rows)
        return [versions.get(pk) for pk in ids]

    return lambda _context: DataLoader(load_fn=load)


VERSION_DESCRIPTION = (
    "Goes up with every change. Send it with an update or delete: if someone changed the object "
    "since you read it, you get a CONFLICT error instead of overwriting their work."
)


async def _version(root: Any, info: Info, loader: str) -> int:
    version: int | None = await info.context.loaders[loader].load(root.id)
    if version is None:
        raise UserError("This object was deleted meanwhile.", code="NOT_FOUND")
    return version


@strawberry.type
class PostVersion:
    @strawberry.field(description=VERSION_DESCRIPTION)
    async def version(self, info: Info) -> int:
        return await _version(self, info, "post_version")


@strawberry.type
class PersonVersion:
    @strawberry.field(description=VERSION_DESCRIPTION)
    async def version(self, info: Info) -> int:
        return await _version(self, info, "person_version")


@strawberry.type
class SectionVersion:
    @strawberry.field(description=VERSION_DESCRIPTION)
    async def version(self, info: Info) -> int:
        return await _version(self, info, "section_version")


@strawberry.type
class ThemeVersion:
    @strawberry.field(description=VERSION_DESCRIPTION)
    async def version(self, info: Info) -> int:
        return await _version(self, info, "theme_version")


VERSION_FIELDS: Mapping[str, Sequence[type]] = {
    "Post": [PostVersion],
    "Person": [PersonVersion],
    "Section": [SectionVersion],
    "Theme": [ThemeVersion],
}

VERSION_LOADERS: Mapping[str, LoaderFactory] = {
    "post_version": _version_loader(POST),
    "person_version": _version_loader(PERSON),
    "section_version": _version_loader(SECTION),
    "theme_version": _version_loader(THEME),
}
