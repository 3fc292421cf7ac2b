"""Row keys a client names (in a global ID or a cursor): only those a table can hold.

Primary keys are ``IntField``s, whose range is what both backends store (PostgreSQL's
``integer``). A number beyond it would fail in the database ("integer out of range") rather
than match nothing, so it is refused before any query is made.
"""

from __future__ import annotations

from tortoise import fields

_RANGE = fields.IntField(primary_key=True).constraints
MIN_KEY, MAX_KEY = int(_RANGE["ge"]), int(_RANGE["le"])


def key_in_range(key: int) -> bool:
    return MIN_KEY <= key <= MAX_KEY


def primary_key(text: str) -> int | None:
    """The row id ``text`` names (decimal digits in range), or None when it cannot name a row."""
    if not (text.isascii() and text.isdigit()):
        return None
    key = int(text)
    return key if key_in_range(key) else None
