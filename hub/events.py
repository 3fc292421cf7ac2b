"""Content events: what changed, told to plugins after the change was committed."""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pluggy
from pluggy import HookImpl

from hub.hookcalls import call_plugin, implementations

logger = logging.getLogger("hub.events")


#: ``<type>.<action>``: the type's label (snake_case of its name) and a lowercase action.
_EVENT_NAME = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")


class EventKind(str):
    """What happened, named ``<type>.<action>``: ``post.published``, ``event.changed``,
    ``petition.signed``. Open to any declared type and any action its declaration names
    (``ContentType.event("signed")``); a name is checked when made, and the same name is always
    the same object, so ``kind is EventKind.POST_PUBLISHED`` keeps working.

    The constants below are the names the hub has always sent; a plugin names its own through
    its declaration rather than here.
    """

    __slots__ = ()
    _known: ClassVar[dict[str, EventKind]] = {}

    POST_PUBLISHED: ClassVar[EventKind]
    POST_UPDATED: ClassVar[EventKind]
    POST_UNPUBLISHED: ClassVar[EventKind]
    POST_DELETED: ClassVar[EventKind]
    PERSON_CHANGED: ClassVar[EventKind]
    PERSON_DELETED: ClassVar[EventKind]
    SECTION_CHANGED: ClassVar[EventKind]
    SECTION_DELETED: ClassVar[EventKind]
    THEME_CHANGED: ClassVar[EventKind]
    THEME_DELETED: ClassVar[EventKind]

    def __new__(cls, name: str) -> EventKind:
        known = cls._known.get(name)
        if known is not None:
            return known
        if not isinstance(name, str) or not _EVENT_NAME.fullmatch(name):
            raise ValueError(
                f"{name!r} is not a content event name: it reads <type>.<action> in lowercase "
                "letters, digits and underscores, such as post.published or event.changed"
            )
        made = super().__new__(cls, name)
        cls._known[name] = made
        return made

    @property
    def value(self) -> str:
        """The name as plain text (what the enum this replaced offered)."""
        return str.__str__(self)

    @property
    def type_label(self) -> str:
        """``post`` of ``post.published``."""
        return self.partition(".")[0]

    @property
    def action(self) -> str:
        """``published`` of ``post.published``."""
        return self.partition(".")[2]

    def __repr__(self) -> str:
        return f"EventKind({self.value!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (EventKind, (self.value,))


for _constant, _name in (
    ("POST_PUBLISHED", "post.published"),
    ("POST_UPDATED", "post.updated"),
    ("POST_UNPUBLISHED", "post.unpublished"),
    ("POST_DELETED", "post.deleted"),
    ("PERSON_CHANGED", "person.changed"),
    ("PERSON_DELETED", "person.deleted"),
    ("SECTION_CHANGED", "section.changed"),
    ("SECTION_DELETED", "section.deleted"),
    ("THEME_CHANGED", "theme.changed"),
    ("THEME_DELETED", "theme.deleted"),
):
    setattr(EventKind, _constant, EventKind(_name))


@dataclass(frozen=True)
class ContentEvent:
    """One committed change. ``type_name`` is the GraphQL type ("Post"), ``pk`` its row id.

    ``remote`` is True when another process (a worker, a CLI command) committed the change and
    this one hears it through ``hub.fanout``: that process's handlers ran already, so a handler
    that writes shared state (a search index, a row, a CDN purge, a webhook) skips it, and one
    that keeps state in this process (a response cache) reacts as to a local change.
    """

    kind: EventKind
    type_name: str
    pk: int
    slug: str
    changes: dict[str, Any] = field(default_factory=dict)
    remote: bool = False
    #: The object's public id, the key of its global ID (``hub.graphql.nodes``), when known:
    #: caches tag answers by the IDs in them.
    public_id: str | None = None


#: How many events a ``content_events`` handler receives at most in one call.
BATCH_SIZE = 1000


async def dispatch_content_events(pm: pluggy.PluginManager, events: Iterable[ContentEvent]) -> None:
    """Tell every plugin about committed changes, isolating failures.

    ``content_event`` handlers get one event per call; ``content_events`` handlers get them in
    batches (an import of 100,000 posts is 100 calls, not 100,000). The change is already
    committed: a failing handler is logged with its plugin's name and never undoes the editor's
    work or stops the other handlers.
    """
    pending = list(events)
    for impl in implementations(pm, "content_event"):
        for event in pending:
            what = f"{event.kind.value} for {event.type_name} {event.slug!r}"
            await _call(pm, impl, "content_event", {"event": event, "plugin_manager": pm}, what)
    for impl in implementations(pm, "content_events"):
        for start in range(0, len(pending), BATCH_SIZE):
            batch = pending[start : start + BATCH_SIZE]
            what = f"a batch of {len(batch)} content events"
            await _call(pm, impl, "content_events", {"events": batch, "plugin_manager": pm}, what)


async def _call(
    pm: pluggy.PluginManager, impl: HookImpl, hook_name: str, kwargs: dict[str, Any], what: str
) -> None:
    try:
        result = call_plugin(pm, hook_name, impl, **kwargs)
        if inspect.isawaitable(result):
            await result
    except Exception:
        logger.exception("plugin %r failed handling %s", impl.plugin_name, what)
