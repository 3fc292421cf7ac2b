"""A ``.values()`` query's SQL, rendered by Tortoise once per shape and reused after that.

Tortoise builds every query from scratch: it resolves each filter into pypika terms and renders
them to text, ~150 µs for the front page's query, a tenth of the whole request. Requests mostly
ask a shape seen before (the same filters, ordering and columns with new values: the time, a
cursor), so the text is kept and only the parameters are computed again.

A shape is everything the text depends on: the model, the database, the selected columns, the
ordering, whether there is a limit and an offset, and each filter's lookup with the kind of its
value (and a sequence's length: ``IN`` has a placeholder per item). The parameters are the
filter values put through Tortoise's own encoders, so conversion and validation stay Tortoise's,
then the limit and the offset.

Only queries known to keep that correspondence have a shape: filters on the model's own columns
with operators that pass their value on unchanged (equality, comparisons, ``in``), and no
annotations, joins, grouping or index hints. The first query of each shape is rendered by
Tortoise and checked: its parameters must be the very objects computed here, in the same order.
A shape that fails the check is remembered, and Tortoise renders its queries every time.
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Hashable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from tortoise.expressions import Q
from tortoise.filters import is_in, list_encoder, not_equal, not_in
from tortoise.models import Model
from tortoise.queryset import ValuesQuery

#: Most shapes kept at once.
KEPT_SHAPES = 256

#: Tortoise's operators that put their value in the SQL as it is, each as one parameter.
PASSED_ON = frozenset(
    {operator.eq, not_equal, operator.lt, operator.le, operator.gt, operator.ge, is_in, not_in}
)
PLAIN_VALUES = (str, int, float, Decimal, datetime, date, time, UUID)

#: The shapes seen, most recently used last: their SQL, or ``None`` when Tortoise renders them.
kept: OrderedDict[Hashable, str | None] = OrderedDict()


class NoShape(Exception):
    """The query uses something shapes do not model; Tortoise renders it."""


def _encoded(model: type[Model], key: str, value: Any, shape: list[Hashable]) -> list[Any]:
    meta = model._meta
    if key.split("__")[0] in meta.fetch_fields or key not in meta.filters:
        raise NoShape(key)
    info = meta.get_filter(key)
    encoder = info.get("value_encoder")
    if info["operator"] not in PASSED_ON or "table" in info:
        raise NoShape(key)
    if encoder is not None and encoder is not list_encoder:
        raise NoShape(key)
    field = meta.fields_map[info["field"]]
    if encoder is None:
        if not isinstance(value, PLAIN_VALUES):
            raise NoShape(key)
        encoded = [field.to_db_value(value, model)]
    else:
        if not isinstance(value, list | tuple) or not all(
            isinstance(item, PLAIN_VALUES) for item in value
        ):
            raise NoShape(key)
        # As Tortoise calls it: with the model class where its annotation says an instance.
        encoded = list_encoder(value, model, field)  # type: ignore[arg-type]
    # pypika writes "*" into the text instead of a parameter: a shape seen first with it would
    # fail its check and be left to Tortoise for good. (Enums are written too; their type is in
    # the shape, whose first check then fails, as it should.) None becomes IS NULL or NULL.
    if any(item is None or item == "*" for item in encoded):
        raise NoShape(key)
    shape.append((key, encoder is not None, *(type(item) for item in encoded)))
    return encoded


def _q_shape(model: type[Model], node: Q, shape: list[Hashable], parameters: list[Any]) -> None:
    if type(node) is not Q:
        raise NoShape(type(node).__name__)
    # Tortoise resolves a node's filters when it has any, else its children (never both).
    if node.filters:
        shape.append(("filters", node.join_type, node._is_negated, len(node.filters)))
        for key, value in node.filters.items():
            parameters += _encoded(model, key, value, shape)
        return
    shape.append(("children", node.join_type, node._is_negated, len(node.children)))
    for child in node.children:
        _q_shape(model, child, shape, parameters)


def shape_of(query: ValuesQuery[Any]) -> tuple[Hashable, list[Any]]:
    """The query's shape and its parameters; :class:`NoShape` when it has none."""
    if (
        query._annotations
        or query._custom_filters
        or query._group_bys
        or query._force_indexes
        or query._use_indexes
        or query._single
    ):
        raise NoShape("annotations, grouping, index hints or a single row")
    model = query.model
    shape: list[Any] = [
        model,
        type(query._db),
        query._db.capabilities.dialect,
        tuple(query._fields_for_select.items()),
        tuple(query._orderings),
        query._distinct,
    ]
    parameters: list[Any] = []
    for node in query._q_objects:
        _q_shape(model, node, shape, parameters)
    for bound in (query._limit, query._offset):
        # Tortoise leaves out a limit or an offset of 0 (or None) altogether.
        shape.append(bool(bound))
        if bound:
            parameters.append(bound)
    # Which parameters are one and the same object: the check of a shape's first query cannot
    # tell those apart, so every query of the shape must pair them alike.
    first_seen: dict[int, int] = {}
    shape.append(tuple(first_seen.setdefault(id(item), i) for i, item in enumerate(parameters)))
    return tuple(shape), parameters


def _by_tortoise(query: ValuesQuery[Any]) -> tuple[str, list[Any]]:
    query._make_query()
    sql, parameters = query.query.get_parameterized_sql()
    return sql, parameters


def rendered(query: ValuesQuery[Any]) -> tuple[str, list[Any]]:
    """The SQL and parameters of ``query``, exactly as Tortoise would render them."""
    query._choose_db_if_not_chosen()
    try:
        shape, parameters = shape_of(query)
    except NoShape:
        return _by_tortoise(query)
    if shape in kept:
        kept.move_to_end(shape)
        sql = kept[shape]
        return (sql, parameters) if sql is not None else _by_tortoise(query)
    sql, by_tortoise = _by_tortoise(query)
    same = len(by_tortoise) == len(parameters) and all(
        ours is theirs for ours, theirs in zip(parameters, by_tortoise, strict=True)
    )
    kept[shape] = sql if same else None
    if len(kept) > KEPT_SHAPES:
        kept.popitem(last=False)
    return sql, by_tortoise
