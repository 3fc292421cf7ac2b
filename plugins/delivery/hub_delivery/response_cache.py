"""The built-in response cache: anonymous GET answers in process memory, purged by tag.

It implements the ``purge_cache`` hook like any CDN plugin would. Entries expire at their
max-age, so content that changes without an event (a scheduled post going live) is never
served staler than a CDN would serve it.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class CachedAnswer:
    body: bytes
    headers: tuple[tuple[bytes, bytes], ...]
    etag: str
    max_age: int
    keys: frozenset[str]
    stored_at: float
    #: The metrics label of the operation that produced it, for the requests it answers.
    operation: str | None = None

    def age(self, now: float) -> int:
        return int(now - self.stored_at)


class ResponseCache:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._answers: OrderedDict[str, CachedAnswer] = OrderedDict()
        self._by_key: dict[str, set[str]] = {}
        # Bumped by every purge: an answer computed while a purge happened may predate the
        # change, so it is not stored (see ``store``).
        self.generation = 0
        #: While false (this process cannot hear other processes' changes), nothing is kept.
        self.keeping = True

    def __len__(self) -> int:
        return len(self._answers)

    def get(self, cache_key: str, now: float | None = None) -> CachedAnswer | None:
        answer = self._answers.get(cache_key)
        if answer is None:
            return None
        if (now if now is not None else time.monotonic()) - answer.stored_at >= answer.max_age:
            self._drop(cache_key)
            return None
        self._answers.move_to_end(cache_key)
        return answer

    def store(self, cache_key: str, answer: CachedAnswer, generation: int) -> bool:
        """Keep ``answer`` unless a purge happened since the request began (``generation``)."""
        if (
            not self.keeping
            or self.capacity == 0
            or answer.max_age == 0
            or generation != self.generation
        ):
            return False
        self._drop(cache_key)
        self._answers[cache_key] = answer
        for key in answer.keys:
            self._by_key.setdefault(key, set()).add(cache_key)
        while len(self._answers) > self.capacity:
            self._drop(next(iter(self._answers)))
        return True

    def purge(self, keys: Iterable[str]) -> int:
        """Forget every answer tagged with one of ``keys``; how many were forgotten."""
        self.generation += 1
        forgotten = 0
        for key in keys:
            for cache_key in self._by_key.pop(key, set()):
                if cache_key in self._answers:
                    self._drop(cache_key)
                    forgotten += 1
        return forgotten

    def forget_all(self, keep: bool) -> None:
        """Forget every answer; keep new ones from now on only if ``keep``."""
        self.generation += 1
        self.keeping = keep
        self._answers.clear()
        self._by_key.clear()

    def _drop(self, cache_key: str) -> None:
        answer = self._answers.pop(cache_key, None)
        if answer is None:
            return
        for key in answer.keys:
            tagged = self._by_key.get(key)
            if tagged is not None:
                tagged.discard(cache_key)
                if not tagged:
                    del self._by_key[key]
