"""Content events: what changed, told to plugins after the change was committed."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import pluggy

logger = logging.getLogger("hub.events")


class EventKind(StrEnum):
    POST_PUBLISHED = "post.published"
    POST_UPDATED = "post.updated"
    POST_UNPUBLISHED = "post.unpublished"
    POST_DELETED = "post.deleted"
    PERSON_CHANGED = "person.changed"
    PERSON_DELETED = "person.deleted"
    SECTION_CHANGED = "section.changed"
    SECTION_DELETED = "section.deleted"
    THEME_CHANGED = "theme.changed"
    THEME_DELETED = "theme.deleted"


@dataclass(frozen=True)
class ContentEvent:
    """One committed change. ``type_name`` is the GraphQL type ("Post"), ``pk`` its row id."""

    kind: EventKind
    type_name: str
    pk: int
    slug: str
    changes: dict[str, Any] = field(default_factory=dict)


async def dispatch_content_events(pm: pluggy.PluginManager, events: Iterable[ContentEvent]) -> None:
    """Call every ``content_event`` implementation for each event, isolating failures.

    The change is already committed: a failing handler is logged with its plugin's name and
    never undoes the editor's work or stops the other handlers.
    """
    implementations = pm.hook.content_event.get_hookimpls()
    for event in events:
        for impl in implementations:
            try:
                result = impl.function(*[{"event": event}[arg] for arg in impl.argnames])
                if inspect.isawaitable(result):
                    await result
            except Exception:
                logger.exception(
                    "plugin %r failed handling %s for %s %r",
                    impl.plugin_name,
                    event.kind.value,
                    event.type_name,
                    event.slug,
                )
