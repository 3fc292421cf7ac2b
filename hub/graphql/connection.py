"""Generic Relay connection types: ``Connection[Post]`` is exposed as ``PostConnection``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import strawberry

from hub.graphql.pagination import Page, PageInfo

NodeT = TypeVar("NodeT")


@strawberry.type(description="An item of a list, with the cursor that points at it.")
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type(description="A page of a list, following the Relay connection specification.")
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    count_all: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="How many items the whole list holds, across all pages.")
    async def total_count(self) -> int:
        return await self.count_all()

    @classmethod
    def from_page(cls, page: Page, make_node: Callable[[dict[str, Any]], Any]) -> Connection[Any]:
        edges = [
            Edge(cursor=cursor, node=make_node(row))
            for cursor, row in zip(page.cursors, page.rows, strict=True)
        ]
        return cls(edges=edges, page_info=page.page_info, count_all=page.count)
