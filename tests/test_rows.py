"""``fetch_values`` gives exactly the rows awaiting the same ``.values()`` query gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from iso8601 import ParseError
from starlette.applications import Starlette
from tortoise.expressions import F
from tortoise.functions import Coalesce
from tortoise.queryset import ValuesQuery

from hub.content.models import Post, PostStatus
from hub.rows import fetch_values
from tests import factories
from tests.conftest import only_sqlite

COLUMNS = ["id", "slug", "status", "published_at", "updated_at", "language"]


async def test_rows_equal_tortoise_values_with_every_kind_of_date(app: Starlette) -> None:
    moments = [
        datetime(2012, 11, 21, 9, 30, tzinfo=UTC),
        datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2020, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        None,
    ]
    for moment in moments:
        status = PostStatus.DRAFT if moment is None else PostStatus.PUBLISHED
        await factories.post(published_at=moment, status=status)
    query = Post.all().order_by("id").values(*COLUMNS)
    expected = await Post.all().order_by("id").values(*COLUMNS)
    rows = await fetch_values(query, COLUMNS)
    assert rows == expected
    assert len(rows) == 4
    for row, want in zip(rows, expected, strict=True):
        # Equal datetimes may still differ in zone; answers print them, so compare the text.
        assert str(row["published_at"]) == str(want["published_at"])
        assert row["status"] is want["status"]
    assert rows[0]["published_at"] == moments[0]
    assert rows[3]["published_at"] is None


async def test_annotated_columns_are_left_to_tortoise(app: Starlette) -> None:
    await factories.post(published_at=None, status=PostStatus.DRAFT)

    def query() -> ValuesQuery[Any]:
        sort = Coalesce("published_at", F("created_at"))
        return Post.annotate(sort_at=sort).values("id", "sort_at")

    rows = await fetch_values(query(), ["id", "sort_at"])
    assert len(rows) == 1
    assert rows == await query()


@only_sqlite
async def test_date_text_that_is_not_iso_goes_to_tortoise_as_is(app: Starlette) -> None:
    post = await factories.post(published_at=datetime(2012, 11, 21, 9, 30, tzinfo=UTC))
    connection = Post._meta.db
    await connection.execute_query(
        'UPDATE "hub_post" SET "published_at" = ? WHERE "id" = ?', ["not a date", post.id]
    )
    columns = ["id", "published_at"]
    unreadable = "Unable to parse date string 'not a date'"
    with pytest.raises(ParseError, match=unreadable):
        await Post.all().values(*columns)
    with pytest.raises(ParseError, match=unreadable):
        await fetch_values(Post.all().values(*columns), columns)
