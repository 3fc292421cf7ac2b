"""A ``.values()`` query's SQL is Tortoise's, rendered once per shape and reused after that."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.applications import Starlette
from tortoise.expressions import F, Q, Subquery
from tortoise.functions import Coalesce
from tortoise.queryset import ValuesQuery

from hub import sql_shapes
from hub.content.models import Post, PostAuthor
from hub.rows import fetch_values
from hub.sql_shapes import rendered
from tests import factories

Query = Callable[..., ValuesQuery[Any]]
NOON = datetime(2026, 1, 1, 12, tzinfo=UTC)
LATER = NOON + timedelta(hours=1)


@pytest.fixture(autouse=True)
def no_kept_shapes() -> Iterator[None]:
    sql_shapes.kept.clear()
    yield
    sql_shapes.kept.clear()


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[ValuesQuery[Any]]:
    """Every query Tortoise builds itself (``_make_query``), in order."""
    built: list[ValuesQuery[Any]] = []
    make_query = ValuesQuery._make_query

    def counting(query: ValuesQuery[Any]) -> None:
        built.append(query)
        make_query(query)

    monkeypatch.setattr(ValuesQuery, "_make_query", counting)
    return built


def by_tortoise(query: ValuesQuery[Any]) -> tuple[str, list[Any]]:
    query._choose_db_if_not_chosen()
    query._make_query()
    sql, parameters = query.query.get_parameterized_sql()
    return sql, parameters


def front_page(moment: datetime, size: int) -> ValuesQuery[Any]:
    return (
        Post.filter(status__in=["published", "scheduled"], published_at__lte=moment)
        .order_by("-published_at", "-id")
        .limit(size)
        .values("id", "slug", "published_at")
    )


def after_cursor(moment: datetime, same_moment: datetime, post_id: int) -> ValuesQuery[Any]:
    earlier = Q(published_at__lt=moment)
    beyond = Q(earlier, Q(published_at=same_moment, id__lt=post_id), join_type="OR")
    return Post.filter(beyond).order_by("-published_at", "-id").limit(3).values("id")


def in_list(ids: list[int]) -> ValuesQuery[Any]:
    return Post.filter(id__in=ids).values("id")


def not_in_list(ids: list[int]) -> ValuesQuery[Any]:
    return Post.filter(id__not_in=ids, id__not=99).order_by("id").values("id")


def not_english(language: str) -> ValuesQuery[Any]:
    return Post.exclude(language=language).values("id", "language")


def window(offset: int, limit: int) -> ValuesQuery[Any]:
    return Post.filter(id__gt=0, id__gte=1).order_by("id").offset(offset).limit(limit).values("id")


KEPT_QUERIES: list[tuple[Query, tuple[Any, ...], tuple[Any, ...]]] = [
    (front_page, (NOON, 21), (LATER, 21)),
    (after_cursor, (NOON, NOON, 7), (LATER, LATER, 12)),
    (in_list, ([1, 2, 3],), ([7, 8, 9],)),
    (not_in_list, ([4, 5],), ([6, 7],)),
    (not_english, ("en",), ("fr",)),
    (window, (2, 5), (10, 5)),
]


@pytest.mark.parametrize(("query", "first", "second"), KEPT_QUERIES)
async def test_a_shape_seen_before_is_not_built_again_and_renders_as_tortoise_does(
    app: Starlette,
    builds: list[ValuesQuery[Any]],
    query: Query,
    first: tuple[Any, ...],
    second: tuple[Any, ...],
) -> None:
    seen = by_tortoise(query(*first))
    assert rendered(query(*first)) == seen
    assert len(builds) == 2  # the reference, then the first query of its shape
    expected = by_tortoise(query(*second))
    assert expected[1] != seen[1]  # new values in the same text
    builds.clear()
    assert rendered(query(*second)) == expected
    assert builds == []
    assert list(sql_shapes.kept.values()) == [expected[0]]


async def test_other_values_that_change_the_text_are_other_shapes(
    app: Starlette, builds: list[ValuesQuery[Any]]
) -> None:
    variants: list[Callable[[], ValuesQuery[Any]]] = [
        lambda: in_list([1]),
        lambda: in_list([1, 2, 3]),
        lambda: in_list([]),
        lambda: window(0, 5),  # no offset at all
        lambda: window(3, 5),
        lambda: window(5, 0),  # an offset and no limit: as many parameters as a limit alone
        lambda: front_page(NOON, 0),  # no limit at all
        lambda: front_page(NOON, 20),
        lambda: Post.filter(id=1).values("id"),
        lambda: Post.filter(id=True).values("id"),  # another type, another shape
    ]
    for variant in variants:
        expected = by_tortoise(variant())
        assert rendered(variant()) == expected
        builds.clear()
        assert rendered(variant()) == expected
        assert builds == []
    assert len(sql_shapes.kept) == len(variants)
    assert len(set(sql_shapes.kept.values())) == len(variants) - 1  # True and 1 read alike


async def test_the_same_object_given_twice_and_two_equal_objects_are_different_shapes(
    app: Starlette,
) -> None:
    twice = after_cursor(NOON, NOON, 7)
    equal = after_cursor(NOON, NOON.replace(), 7)
    assert rendered(twice) == by_tortoise(after_cursor(NOON, NOON, 7))
    assert rendered(equal) == by_tortoise(after_cursor(NOON, NOON.replace(), 7))
    assert len(sql_shapes.kept) == 2


UNSHAPED: list[Callable[[], ValuesQuery[Any]]] = [
    lambda: Post.annotate(sort_at=Coalesce("published_at", F("created_at"))).values("id"),
    lambda: Post.filter(slug__startswith="news").values("id"),
    lambda: Post.filter(published_at=None).values("id"),
    lambda: Post.filter(author_links__position=0).values("id"),
    lambda: Post.filter(id=F("id")).values("id"),
    lambda: Post.filter(id__in=Subquery(PostAuthor.filter(position=0).values("post_id"))).values(
        "id"
    ),
]


@pytest.mark.parametrize("query", UNSHAPED)
async def test_what_shapes_do_not_model_is_built_by_tortoise_every_time(
    app: Starlette, builds: list[ValuesQuery[Any]], query: Callable[[], ValuesQuery[Any]]
) -> None:
    expected = by_tortoise(query())
    for _ in range(2):
        asked = query()
        assert rendered(asked) == expected
        assert any(built is asked for built in builds)
    assert not any(sql_shapes.kept.values())


async def test_a_value_written_into_the_text_leaves_its_shape_to_other_values(
    app: Starlette, builds: list[ValuesQuery[Any]]
) -> None:
    def by_excerpt(excerpt: str) -> ValuesQuery[Any]:
        return Post.filter(excerpt=excerpt).values("id")

    assert rendered(by_excerpt("*")) == by_tortoise(by_excerpt("*"))  # pypika writes "*" inline
    assert "'*'" in by_tortoise(by_excerpt("*"))[0]
    expected = by_tortoise(by_excerpt("a"))
    assert rendered(by_excerpt("b"))[0] == expected[0]
    builds.clear()
    assert rendered(by_excerpt("a")) == expected
    assert builds == []


async def test_a_value_tortoise_refuses_is_refused_for_a_kept_shape_too(app: Starlette) -> None:
    def by_slug(slug: str) -> ValuesQuery[Any]:
        return Post.filter(slug=slug).values("id")

    rendered(by_slug("a-fine-slug"))
    assert list(sql_shapes.kept.values()) != [None]
    with pytest.raises(ValueError, match="is not a slug") as tortoise_refused:
        by_tortoise(by_slug("Not A Slug!"))
    with pytest.raises(ValueError, match="is not a slug") as refused:
        rendered(by_slug("Not A Slug!"))
    assert refused.type is tortoise_refused.type


async def test_the_least_recently_used_shapes_are_forgotten_beyond_the_bound(
    app: Starlette, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sql_shapes, "KEPT_SHAPES", 3)
    for size in (1, 2, 3):
        rendered(in_list(list(range(size))))
    rendered(in_list([7]))  # used again: now the most recent
    rendered(in_list(list(range(4))))
    kept = list(sql_shapes.kept.values())
    assert kept == [
        by_tortoise(in_list(list(range(3))))[0],
        by_tortoise(in_list([7]))[0],
        by_tortoise(in_list(list(range(4))))[0],
    ]


async def test_pages_read_through_kept_shapes_hold_the_same_rows(app: Starlette) -> None:
    for day in range(5):
        await factories.post(published_at=NOON - timedelta(days=day))
    columns = ["id", "slug", "published_at"]
    first = await fetch_values(front_page(LATER, 3), columns)
    again = await fetch_values(front_page(LATER, 3), columns)
    assert again == first == await front_page(LATER, 3)
    assert [row["published_at"] for row in first] == [NOON - timedelta(days=d) for d in range(3)]
    older = await fetch_values(front_page(NOON - timedelta(days=1), 3), columns)
    assert older == await front_page(NOON - timedelta(days=1), 3)
    assert [row["id"] for row in older] == [row["id"] for row in first[1:]] + [older[-1]["id"]]
