"""Posts whose scheduled time comes are announced then, so caches forget the lists without them.

A scheduled post (or one published with a date ahead) turns visible by itself when its
``published_at`` passes: no row changes, so no content event would tell caches. Every worker
keeps the posts dated in the future in memory (read once at start-up, then kept current by the
content events it hears, its own and the other processes'), and the leader among them
(``hub.leadership``) dispatches ``post.published`` for each one at its time, which the others
hear like any change (``hub.fanout``). Keeping the schedule from events, not from the
database, means no statement runs between requests.

Not announced: a post that came due while no worker led (a hand-over takes up to 15
seconds), or whose schedule changed in a message sent without its changes (a PostgreSQL
notification too large for them); caches show those when their answers expire.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pluggy

from hub.content.models import Post, PostStatus
from hub.content.visibility import PUBLIC_STATUSES
from hub.events import ContentEvent, EventKind, dispatch_content_events
from hub.hookimpl import hookimpl
from hub.leadership import Leadership

logger = logging.getLogger("hub.content.due")

#: Longest sleep between two looks at the schedule, in seconds; a leader renews its lease
#: (``hub.leadership.LEASE_MS``, 15 s) at each look, so this stays below it.
RECHECK = 10.0
PUBLIC = {status.value for status in PUBLIC_STATUSES}


@dataclass
class Dated:
    slug: str
    status: str
    published_at: datetime


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return _moment(datetime.fromisoformat(value))
    return None


class DuePosts:
    """The schedule and its timer; registered as a plugin to hear of changed posts."""

    def __init__(self, pm: pluggy.PluginManager, leadership: Leadership) -> None:
        self.pm = pm
        self.leadership = leadership
        #: Posts dated after the last look, by id.
        self.dated: dict[int, Dated] = {}
        self.wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def load(self) -> None:
        """Read the posts dated in the future; an unprepared database has none to read."""
        try:
            rows = await Post.filter(published_at__gt=datetime.now(UTC)).values_list(
                "id", "slug", "status", "published_at"
            )
        except Exception as error:  # a database not migrated yet: nothing is scheduled in it
            logger.warning("scheduled posts: could not read them (%s)", error)
            return
        for pk, slug, status, published_at in rows:
            self.dated[pk] = Dated(slug, PostStatus(status).value, published_at)

    @hookimpl
    def content_events(self, events: Sequence[ContentEvent]) -> None:
        for event in events:
            if event.type_name == "Post":
                self.note(event.pk, event.slug, event.kind, event.changes)
        self.wake.set()

    def note(self, pk: int, slug: str, kind: EventKind, changes: Mapping[str, Any]) -> None:
        if kind is EventKind.POST_DELETED:
            self.dated.pop(pk, None)
            return
        known = self.dated.get(pk)
        moment = _moment(changes.get("published_at")) if "published_at" in changes else None
        if known is None and moment is None:
            return
        if known is None:
            known = self.dated[pk] = Dated(slug, str(changes.get("status", "")), moment or _epoch())
        known.slug = slug
        if "status" in changes:
            known.status = str(changes["status"])
        if "published_at" in changes:
            known.published_at = moment or _epoch()
        if known.published_at <= datetime.now(UTC):
            # Public already (this very announcement, or an edit dating it back): the change's
            # own event told the caches.
            del self.dated[pk]

    def start(self) -> None:
        """Start the timer; call ``load`` first."""
        self._task = asyncio.create_task(self.run(), name="hub-due-posts")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.leadership.release()

    async def run(self) -> None:
        while True:
            try:
                delay = await self.tick()
            except Exception:
                logger.exception("announcing scheduled posts failed; trying again")
                delay = RECHECK
            self.wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), delay)

    async def tick(self) -> float:
        """Announce what came due if this process leads; seconds until the next look."""
        now = datetime.now(UTC)
        due = [(pk, dated) for pk, dated in self.dated.items() if dated.published_at <= now]
        for pk, _ in due:
            del self.dated[pk]
        leading = await self.leadership.claim()
        events = [
            ContentEvent(
                EventKind.POST_PUBLISHED,
                "Post",
                pk,
                dated.slug,
                {"published_at": dated.published_at.isoformat()},
            )
            for pk, dated in due
            if dated.status in PUBLIC
        ]
        if leading and events:
            await dispatch_content_events(self.pm, events)
        upcoming = heapq.nsmallest(1, (dated.published_at for dated in self.dated.values()))
        if not upcoming:
            return RECHECK
        return max(0.0, min(RECHECK, (upcoming[0] - datetime.now(UTC)).total_seconds()))


def _epoch() -> datetime:
    return datetime.min.replace(tzinfo=UTC)
