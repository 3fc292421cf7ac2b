"""Search documents from the content types' declarations, for every declared type alike.

A type is searchable when it declares ``searchable`` fields: the first is the document's title,
the others its body (HTML read as text). A ``language_tag`` field gives the document's
language (and, on PostgreSQL, how its text is stemmed), a type with linked translations its
``translation_group``, and a type with a publication lifecycle (a ``status`` of ``PostStatus``
and a ``published_at``) gives status and date, so drafts stay hidden from anonymous searches.
Nothing here names a type or a table: a third party's declared type is searched like a post.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from hub import ColumnKind, ContentType, ContentTypes, Field, PostStatus
from hub_search.documents import Searchable, SearchDocument
from hub_search.text import html_to_text


def _lifecycle(declared: ContentType) -> tuple[Field, Field] | None:
    status, published_at = declared.fields.get("status"), declared.fields.get("published_at")
    if status is None or published_at is None or status.choices is not PostStatus:
        return None
    return status, published_at


def searchable_of(declared: ContentType) -> Searchable | None:
    """What the index needs of ``declared``, or None when it declares nothing searchable."""
    searched = [spec for spec in declared.fields.values() if spec.searchable]
    if not searched:
        return None
    title, *body = searched
    language = next(
        (spec for spec in declared.fields.values() if spec.kind is ColumnKind.LANGUAGE), None
    )
    # Types with linked translations (posts) get a key their translations share.
    group = declared.fields.get("translation_group") if declared.linked_translations else None
    lifecycle = _lifecycle(declared)
    extra = [spec for spec in (language, group, *(lifecycle or ())) if spec is not None]
    columns = tuple(dict.fromkeys(("id", *(spec.column for spec in (*searched, *extra)))))
    model = declared.model

    def text_of(spec: Field, value: Any) -> str:
        if not value:
            return ""
        return html_to_text(value) if spec.kind is ColumnKind.HTML else str(value)

    async def documents(pks: Sequence[int]) -> list[SearchDocument]:
        rows = await model.filter(id__in=list(pks)).values(*columns)
        return [
            SearchDocument(
                pk=row["id"],
                title=row[title.column],
                body=" ".join(
                    part for part in (text_of(spec, row[spec.column]) for spec in body) if part
                ),
                language=row[language.column] if language is not None else None,
                translation_group=(row[group.column] or None) if group is not None else None,
                status=str(row[lifecycle[0].column]) if lifecycle else None,
                published_at=row[lifecycle[1].column] if lifecycle else None,
            )
            for row in rows
        ]

    # Dated content in publication order, so the index's row order follows recency (README).
    ordering = ("published_at", "id") if lifecycle else ("id",)

    async def all_pks() -> list[int]:
        rows = await model.all().order_by(*ordering).values("id")
        return [row["id"] for row in rows]

    changed_since = None
    if "updated_at" in declared.fields:

        async def changed_since(moment: datetime) -> list[int]:
            rows = await model.filter(updated_at__gte=moment).values("id")
            return [row["id"] for row in rows]

    return Searchable(declared.name, declared.loader, all_pks, documents, changed_since)


def in_search_order(types: ContentTypes) -> Iterable[ContentType]:
    """Each plugin's types together, plugins in the registry's order (the core's first), the
    types that refer to others before those they refer to: posts, people, sections, events."""
    by_owner: dict[str, list[ContentType]] = {}
    for declared in types.in_write_order:
        by_owner.setdefault(types.owner(declared), []).append(declared)
    for declared_types in by_owner.values():
        yield from reversed(declared_types)


def declared_searchables(types: ContentTypes) -> list[Searchable]:
    found = (searchable_of(declared) for declared in in_search_order(types))
    return [searchable for searchable in found if searchable is not None]
