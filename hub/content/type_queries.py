"""The ``Query`` fields of a declared type, generated from its declaration.

``<plural>(first, after, last, before, filter, orderBy)``: a connection with ``totalCount``;
the filter input has one field per ``filterable`` field (a reference by the target's slug, a
moment as ``<name>After``/``<name>Before``), ``orderBy`` sorts by the slug or any filterable
field that is never null. ``<name>(slug:)``: the object, null for a well-formed unknown slug,
``BAD_USER_INPUT`` for a malformed one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from tortoise.queryset import QuerySet

from hub.content.content_type import ContentType
from hub.content.edit_types import strawberry_class
from hub.content.field_kinds import ColumnKind, Field
from hub.content.node_types import camel, python_type
from hub.content.post_lists import OrderDirection
from hub.graphql.arguments import country_argument, language_argument, slug_argument
from hub.graphql.connection import Connection
from hub.graphql.context import Info
from hub.graphql.lazy import ref
from hub.graphql.pagination import Ordering, PageArgs, SortColumn, paginate
from hub.rows import fetch_values

#: How a filter argument is checked before it reaches the database (see hub.graphql.arguments).
_ARGUMENT_CHECKS: dict[ColumnKind, Callable[[str, str], str]] = {
    ColumnKind.SLUG: slug_argument,
    ColumnKind.LANGUAGE: language_argument,
    ColumnKind.COUNTRY: country_argument,
}
_SORT_KINDS = {ColumnKind.INT: "int", ColumnKind.DATETIME: "datetime"}


def _orderable(declared: ContentType) -> list[Field]:
    return [
        spec
        for spec in declared.type_fields
        if (spec.kind is ColumnKind.SLUG or spec.filterable)
        and spec.kind not in (ColumnKind.FOREIGN_KEY, ColumnKind.TEXT, ColumnKind.HTML)
        and not spec.nullable
    ]


def _optional(description: str | None) -> Any:
    return strawberry.field(default=None, description=description)


def _filter_fields(declared: ContentType) -> list[tuple[str, Any, Any]]:
    fields: list[tuple[str, Any, Any]] = []
    for spec in declared.type_fields:
        if not spec.filterable:
            continue
        described = spec.description or None
        if spec.kind is ColumnKind.FOREIGN_KEY:
            described = f"{spec.target} slug."
            fields.append((spec.name, str | None, _optional(described)))
        elif spec.kind is ColumnKind.DATETIME:
            for edge, how in (("after", "at or after"), ("before", "before")):
                moment = _optional(f"Only {how} this moment.")
                fields.append((f"{spec.name}_{edge}", datetime | None, moment))
        else:
            served = python_type(spec)
            fields.append((spec.name, served | None, _optional(described)))
    return fields


def _narrowed(declared: ContentType, queryset: QuerySet[Any], given: Any) -> QuerySet[Any]:
    if given is None:
        return queryset
    for spec in declared.type_fields:
        if not spec.filterable:
            continue
        label = f"filter.{spec.label}"
        if spec.kind is ColumnKind.DATETIME:
            after = getattr(given, f"{spec.name}_after")
            before = getattr(given, f"{spec.name}_before")
            if after is not None:
                queryset = queryset.filter(**{f"{spec.column}__gte": after})
            if before is not None:
                queryset = queryset.filter(**{f"{spec.column}__lt": before})
            continue
        value = getattr(given, spec.name)
        if value is None:
            continue
        if spec.kind is ColumnKind.FOREIGN_KEY:
            queryset = queryset.filter(**{f"{spec.name}__slug": slug_argument(label, value)})
        else:
            check = _ARGUMENT_CHECKS.get(spec.kind)
            queryset = queryset.filter(**{spec.column: check(label, value) if check else value})
    return queryset


def type_queries(declared: ContentType, make: Callable[[dict[str, Any]], Any]) -> type:
    """The ``Query`` fields of ``declared``, as a Strawberry type to merge into the root."""
    name, columns = declared.name, declared.row_columns
    node: Any = ref(name)
    orderable = _orderable(declared)
    if not orderable:
        raise ValueError(f"{name}: a listed type needs a slug or a filterable field to sort by")
    members = {spec.name.upper(): spec.column for spec in orderable}
    sort_fields: Any = Enum(f"{name}OrderField", members)  # type: ignore[misc]
    strawberry.enum(sort_fields, description=f"What {declared.plural} can be sorted by.")
    first_field = next(iter(sort_fields))
    order_input = strawberry_class(
        f"{name}Order",
        "How to sort them (ties are broken by id, so pages are stable).",
        [
            ("field", sort_fields, strawberry.field(default=first_field)),
            ("direction", OrderDirection, strawberry.field(default=OrderDirection.ASC)),
        ],
        is_input=True,
    )
    filter_fields = _filter_fields(declared)
    filter_input = (
        strawberry_class(
            f"{name}Filter", f"Narrows a list of {declared.plural}.", filter_fields, is_input=True
        )
        if filter_fields
        else None
    )
    kinds = {spec.column: _SORT_KINDS.get(spec.kind, "str") for spec in orderable}

    async def page(info: Info, args: PageArgs, filter: Any, order_by: Any) -> Any:
        field = order_by.field if order_by is not None else first_field
        descending = order_by is not None and order_by.direction is OrderDirection.DESC
        ordering = Ordering(
            name=f"{declared.label}:{field.value}:{'desc' if descending else 'asc'}",
            columns=(
                SortColumn(field.value, descending, kinds[field.value]),  # type: ignore[arg-type]
                SortColumn("id", descending, "int"),
            ),
        )
        queryset = _narrowed(declared, declared.model.all(), filter)
        return Connection.from_page(await paginate(queryset, ordering, args, columns), make)

    async def listed(
        self: Any,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: Any = None,
        order_by: Any = None,
    ) -> Any:
        return await page(info, PageArgs(first, after, last, before), filter, order_by)

    async def listed_unfiltered(
        self: Any,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        order_by: Any = None,
    ) -> Any:
        return await page(info, PageArgs(first, after, last, before), None, order_by)

    resolver = listed if filter_input is not None else listed_unfiltered
    resolver.__annotations__ = {
        "info": Info,
        "first": int | None,
        "after": str | None,
        "last": int | None,
        "before": str | None,
        **({"filter": filter_input | None} if filter_input is not None else {}),
        "order_by": order_input | None,
        "return": Connection[node],
    }
    fields: dict[str, Any] = {
        declared.plural: strawberry.field(
            resolver=resolver,
            description=f"{declared.plural.capitalize()}, in `orderBy` order.",
        )
    }
    if "slug" in declared.fields:

        async def by_slug(self: Any, info: Info, slug: str) -> Any:
            query = declared.model.filter(slug=slug_argument("slug", slug)).limit(1)
            rows = await fetch_values(query.values(*columns), list(columns))
            return make(rows[0]) if rows else None

        by_slug.__annotations__ = {"info": Info, "slug": str, "return": node | None}
        fields[camel(name)] = strawberry.field(
            resolver=by_slug, description=f"A {declared.label} by its slug, or null."
        )
    return strawberry.type(type(f"{name}Queries", (), {"__module__": __name__, **fields}))
