"""The core's searchable types: posts, people and sections (and events, when that plugin runs)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tortoise import connections

from hub import Person, Post, Section
from hub_search.documents import Searchable, SearchDocument
from hub_search.text import html_to_text


async def _pks(model: Any) -> list[int]:
    # Posts in publication order, so the index's row order follows recency (see README).
    ordering = ("published_at", "id") if model is Post else ("id",)
    return list(await model.all().order_by(*ordering).values_list("id", flat=True))


async def all_post_pks() -> list[int]:
    return await _pks(Post)


async def all_person_pks() -> list[int]:
    return await _pks(Person)


async def all_section_pks() -> list[int]:
    return await _pks(Section)


async def post_documents(pks: Sequence[int]) -> list[SearchDocument]:
    rows = await Post.filter(id__in=list(pks)).values(
        "id", "title", "excerpt", "body", "status", "published_at", "language"
    )
    return [
        SearchDocument(
            pk=row["id"],
            title=row["title"],
            body=f"{row['excerpt']} {html_to_text(row['body'])}".strip(),
            language=row["language"],
            status=str(row["status"]),
            published_at=row["published_at"],
        )
        for row in rows
    ]


async def person_documents(pks: Sequence[int]) -> list[SearchDocument]:
    rows = await Person.filter(id__in=list(pks)).values("id", "name", "role", "bio")
    return [
        SearchDocument(pk=row["id"], title=row["name"], body=f"{row['role']} {row['bio']}".strip())
        for row in rows
    ]


async def section_documents(pks: Sequence[int]) -> list[SearchDocument]:
    rows = await Section.filter(id__in=list(pks)).values("id", "name", "description")
    return [
        SearchDocument(pk=row["id"], title=row["name"], body=row["description"]) for row in rows
    ]


async def _changed_since(model: Any, moment: datetime) -> list[int]:
    return list(await model.filter(updated_at__gte=moment).values_list("id", flat=True))


async def posts_changed_since(moment: datetime) -> list[int]:
    return await _changed_since(Post, moment)


async def people_changed_since(moment: datetime) -> list[int]:
    return await _changed_since(Person, moment)


async def sections_changed_since(moment: datetime) -> list[int]:
    return await _changed_since(Section, moment)


CORE_SEARCHABLES = (
    Searchable("Post", "post_by_id", all_post_pks, post_documents, posts_changed_since),
    Searchable("Person", "person_by_id", all_person_pks, person_documents, people_changed_since),
    Searchable(
        "Section", "section_by_id", all_section_pks, section_documents, sections_changed_since
    ),
)


# The events plugin (hub-events) does not know about search; this declaration makes its
# Event type searchable from here, reading its documented table and loader without importing
# it. It is used only when that plugin's module is loaded (under any registration name).
EVENTS_PLUGIN_MODULE = "hub_events.plugin"


async def all_event_pks() -> list[int]:
    rows = await connections.get("default").execute_query_dict(
        "SELECT id FROM events_event ORDER BY starts_at, id"
    )
    return [row["id"] for row in rows]


async def event_documents(pks: Sequence[int]) -> list[SearchDocument]:
    if not pks:
        return []
    connection = connections.get("default")
    sqlite = connection.capabilities.dialect == "sqlite"
    placeholders = ", ".join("?" if sqlite else f"${n}" for n in range(1, len(pks) + 1))
    rows = await connection.execute_query_dict(
        "SELECT id, title, description, venue, city FROM events_event "
        f"WHERE id IN ({placeholders})",
        list(pks),
    )
    return [
        SearchDocument(
            pk=row["id"],
            title=row["title"],
            body=" ".join(part for part in (row["description"], row["venue"], row["city"]) if part),
        )
        for row in rows
    ]


EVENT_SEARCHABLE = Searchable("Event", "events_by_id", all_event_pks, event_documents)
