"""Fields whose value is a DataLoader's answer for one attribute of their object.

::

    authors = loaded_field(
        "post_authors", "list[PersonRef]", description="The authors, in credit order."
    )

is the usual resolver (``await info.context.loaders["post_authors"].load(self.id)``) written
once, with a mark the compiled executor reads: instead of calling the resolver for each of the
20 posts of a page (20 coroutines, 20 resolve infos, 20 loads), it asks the loader's batch
function for all their keys at once (:func:`hub.graphql.batching.load_at_once`), through the
loader's per-request cache. graphql-core (or a schema with compiled execution off) calls the
resolver.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import strawberry

from hub.graphql.context import Info

#: The attribute of a resolver function that carries its :class:`LoadedBy`.
LOADED_BY = "__hub_loaded_by__"


#: Given a request's context: a reader answering the field without its loader, or ``None``.
Shortcut = Callable[[Any], Callable[[Any], Any] | None]


@dataclass(frozen=True)
class LoadedBy:
    loader: str
    read_key: Callable[[Any], Any]
    unless: Shortcut | None = None


def loaded_field(
    loader: str,
    returns: str | Any,
    *,
    key: str = "id",
    description: str | None = None,
    unless: Shortcut | None = None,
) -> Any:
    """A field answered by the per-request DataLoader ``loader`` for the object's ``key``.

    ``returns`` is the field's type as written in an annotation (``"list[PersonRef]"``,
    ``"SectionRef | None"``), read in the calling module like any annotation there, or the
    annotation itself (``list[ref("Person")]``, for generated types). When the
    object's ``key`` is ``None`` the field is ``None`` without asking the loader (a nullable
    foreign key, say). ``unless`` is the request-wide shortcut described above.
    """
    read_key = attrgetter(key)

    async def resolve(self: Any, info: Info) -> Any:
        if unless is not None and (read := unless(info.context)) is not None:
            return read(self)
        value = read_key(self)
        if value is None:
            return None
        return await info.context.loaders[loader].load(value)

    # Strawberry reads a resolver's string annotations in the resolver's module: that must be
    # the module defining the field, where its lazy type references are imported.
    resolve.__module__ = sys._getframe(1).f_globals["__name__"]
    resolve.__annotations__ = {"info": Info, "return": returns}
    setattr(resolve, LOADED_BY, LoadedBy(loader, read_key, unless))
    return strawberry.field(resolver=resolve, description=description)


def loaded_by(resolver: object) -> LoadedBy | None:
    """The loader a :func:`loaded_field` resolver asks, or ``None`` for any other function."""
    mark = getattr(resolver, LOADED_BY, None)
    return mark if isinstance(mark, LoadedBy) else None
