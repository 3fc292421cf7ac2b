"""Spelling variants one edit away (insert, delete, replace, swap), for typo tolerance."""

from __future__ import annotations

import string

_BASE_ALPHABET = string.ascii_lowercase + string.digits


def one_edit_variants(word: str) -> set[str]:
    """Every string one insertion, deletion, substitution or transposition away from ``word``.

    Letters come from a-z, 0-9 and the word's own letters (so "ø" words find "ø" typos).
    """
    alphabet = set(_BASE_ALPHABET) | set(word)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {left + right[1:] for left, right in splits if right}
    swaps = {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    replaces = {left + letter + right[1:] for left, right in splits if right for letter in alphabet}
    inserts = {left + letter + right for left, right in splits for letter in alphabet}
    variants = deletes | swaps | replaces | inserts
    variants.discard(word)
    return variants


def within_one_edit(first: str, second: str) -> bool:
    """True when the words differ by at most one insertion, deletion, substitution or swap."""
    if first == second:
        return True
    return second in one_edit_variants(first) if abs(len(first) - len(second)) <= 1 else False
