"""Core content for tests, written the way ``hub import`` writes it.

Each builder sends one record through the import machinery (the same checks, the same
sanitising, content events after the commit), so a plugin's ``content_events`` handler sees
what it sees in production; raw inserts would skip all of that. Every field has a default;
name only what the test is about.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pluggy

from hub.content.models import Person, Post, Section, Theme
from hub.content.transfer import import_content

#: Published posts get consecutive hours from here, so "the newest" is the last one made.
BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)
_serial = count(1)


def _slug_of(item: str | Section | Person | Theme) -> str:
    return item if isinstance(item, str) else item.slug


def _value(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    return value


class ContentFactory:
    """Builders of sections, people, themes and posts for the hub of ``plugin_manager``.

    Use them with the database open (inside ``hub_client``): ``await client.content.post()``.
    """

    def __init__(self, plugin_manager: pluggy.PluginManager) -> None:
        self.plugin_manager = plugin_manager

    async def _import(self, kind: str, record: dict[str, Any]) -> None:
        await import_content(
            self.plugin_manager, {kind: [{key: _value(v) for key, v in record.items()}]}
        )

    async def section(self, slug: str | None = None, **fields: Any) -> Section:
        """A section (``name``, ``country_code``, ``description``, ``website``, ...)."""
        n = next(_serial)
        record = {"slug": slug or f"section-{n}", "name": f"Section {n}", "country_code": "DE"}
        await self._import("sections", {**record, **fields})
        return await Section.get(slug=record["slug"])

    async def person(
        self, slug: str | None = None, *, section: str | Section | None = None, **fields: Any
    ) -> Person:
        """A person, in ``section`` if given (``name``, ``role``, ``bio``, ``board_order``, ...)."""
        n = next(_serial)
        record: dict[str, Any] = {"slug": slug or f"person-{n}", "name": f"Person {n}"}
        if section is not None:
            record["section"] = _slug_of(section)
        await self._import("people", {**record, **fields})
        return await Person.get(slug=record["slug"])

    async def theme(self, slug: str | None = None, **fields: Any) -> Theme:
        """A theme (``name``, ``description``)."""
        n = next(_serial)
        record = {"slug": slug or f"theme-{n}", "name": f"Theme {n}"}
        await self._import("themes", {**record, **fields})
        return await Theme.get(slug=record["slug"])

    async def post(
        self,
        slug: str | None = None,
        *,
        authors: Iterable[str | Person] = (),
        themes: Iterable[str | Theme] = (),
        sections: Iterable[str | Section] = (),
        **fields: Any,
    ) -> Post:
        """A post, published unless ``status`` says otherwise, linked to ``authors`` (in credit
        order), ``themes`` and ``sections`` (models or slugs)."""
        n = next(_serial)
        record: dict[str, Any] = {
            "slug": slug or f"post-{n}",
            "title": f"Post {n}",
            "body": "<p>Some words.</p>",
            "status": "published",
            "published_at": BASE_TIME + timedelta(hours=n),
            "authors": [_slug_of(author) for author in authors],
            "themes": [_slug_of(theme) for theme in themes],
            "sections": [_slug_of(section) for section in sections],
        }
        await self._import("posts", {**record, **fields})
        return await Post.get(slug=record["slug"])
