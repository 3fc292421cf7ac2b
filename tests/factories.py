"""Small builders for content in tests: each returns the saved model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from hub.content.models import (
    Person,
    Post,
    PostAuthor,
    PostSection,
    PostStatus,
    PostTheme,
    Section,
    Theme,
)

_serial = count(1)
BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)


async def section(slug: str | None = None, **fields: Any) -> Section:
    n = next(_serial)
    defaults: dict[str, Any] = {"name": f"Section {n}", "country_code": "DE"}
    return await Section.create(slug=slug or f"section-{n}", **{**defaults, **fields})


async def person(slug: str | None = None, **fields: Any) -> Person:
    n = next(_serial)
    defaults: dict[str, Any] = {"name": f"Person {n}", "role": "Board member"}
    return await Person.create(slug=slug or f"person-{n}", **{**defaults, **fields})


async def theme(slug: str | None = None, **fields: Any) -> Theme:
    n = next(_serial)
    return await Theme.create(slug=slug or f"theme-{n}", **{"name": f"Theme {n}", **fields})


async def post(
    slug: str | None = None,
    *,
    authors: list[Person] = (),  # type: ignore[assignment]
    themes: list[Theme] = (),  # type: ignore[assignment]
    sections: list[Section] = (),  # type: ignore[assignment]
    **fields: Any,
) -> Post:
    n = next(_serial)
    defaults: dict[str, Any] = {
        "title": f"Post {n}",
        "body": "<p>Some words.</p>",
        "status": PostStatus.PUBLISHED,
        "published_at": BASE_TIME + timedelta(hours=n),
    }
    created = await Post.create(slug=slug or f"post-{n}", **{**defaults, **fields})
    for position, author in enumerate(authors):
        await PostAuthor.create(post=created, person=author, position=position)
    for linked_theme in themes:
        await PostTheme.create(post=created, theme=linked_theme)
    for linked_section in sections:
        await PostSection.create(post=created, section=linked_section)
    return created
