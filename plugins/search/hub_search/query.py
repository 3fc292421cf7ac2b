"""The query language visitors type, parsed into a small syntax tree (never passed on as text).

- words must all match: ``peace women``
- "quoted phrases" match words in that order: ``"arms trade"``
- a leading minus excludes: ``disarmament -nuclear``
- a trailing star matches a prefix: ``disarm*``

Anything else is punctuation and separates words. An unbalanced quote runs to the end of the
query. Each backend turns the tree into its own full-text syntax with every word quoted, so no
input can produce a syntax error in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hub import UserError
from hub_search.text import tokens

MAX_QUERY_CHARACTERS = 500
MAX_TERMS = 16
#: Words this long or longer also match words one edit away ("disarmamnet").
TYPO_MIN_LENGTH = 5


@dataclass(frozen=True)
class Term:
    """Consecutive words (one word, or a phrase); ``alternatives`` are spellings found for typos."""

    words: tuple[str, ...]
    prefix: bool = False
    alternatives: tuple[str, ...] = ()

    @property
    def is_word(self) -> bool:
        return len(self.words) == 1

    def with_alternatives(self, alternatives: tuple[str, ...]) -> Term:
        return Term(self.words, self.prefix, alternatives)


@dataclass(frozen=True)
class SearchQuery:
    required: tuple[Term, ...]
    excluded: tuple[Term, ...] = field(default=())

    def typo_candidates(self) -> list[str]:
        """Words that may be misspelt: single, whole (not prefix) words of 5+ characters."""
        return [
            term.words[0]
            for term in self.required
            if term.is_word and not term.prefix and len(term.words[0]) >= TYPO_MIN_LENGTH
        ]

    def with_spellings(self, spellings: dict[str, tuple[str, ...]]) -> SearchQuery:
        required = tuple(
            term.with_alternatives(spellings.get(term.words[0], ()))
            if term.is_word and not term.prefix
            else term
            for term in self.required
        )
        return SearchQuery(required, self.excluded)


def _chunks(text: str) -> list[tuple[str, bool, bool]]:
    """(text, quoted, excluded) pieces of the raw query."""
    pieces: list[tuple[str, bool, bool]] = []
    position, length = 0, len(text)
    while position < length:
        char = text[position]
        if char.isspace():
            position += 1
            continue
        excluded = False
        if char == "-" and position + 1 < length and not text[position + 1].isspace():
            excluded = True
            position += 1
            char = text[position]
        if char == '"':
            end = text.find('"', position + 1)
            end = length if end == -1 else end
            pieces.append((text[position + 1 : end], True, excluded))
            position = end + 1
            continue
        end = position
        while end < length and not text[end].isspace() and text[end] != '"':
            end += 1
        pieces.append((text[position:end], False, excluded))
        position = end
    return pieces


def parse_query(text: str, *, prefix_last: bool = False) -> SearchQuery:
    """Parse what a visitor typed; ``prefix_last`` makes the last word a prefix (autocomplete).

    Raises :class:`UserError` (argument ``query``) when nothing is left to look for.
    """
    if len(text) > MAX_QUERY_CHARACTERS:
        raise UserError(
            f"The search query is {len(text)} characters long; at most "
            f"{MAX_QUERY_CHARACTERS} are allowed.",
            argument="query",
        )
    required: list[Term] = []
    excluded: list[Term] = []
    for raw, quoted, is_excluded in _chunks(text):
        words = tuple(tokens(raw))
        if not words:
            continue
        # A one-letter prefix would match a large part of the vocabulary: it counts as a word.
        prefix = not quoted and raw.endswith("*") and len(words) == 1 and len(words[0]) > 1
        (excluded if is_excluded else required).append(Term(words, prefix))
    if prefix_last and required and required[-1].is_word and not text.endswith((" ", '"')):
        last = required[-1]
        required[-1] = Term(last.words, prefix=len(last.words[0]) > 1)
    if len(required) + len(excluded) > MAX_TERMS:
        raise UserError(
            f"The search query has {len(required) + len(excluded)} words or phrases; at most "
            f"{MAX_TERMS} are allowed.",
            argument="query",
        )
    if not required:
        problem = (
            "only excluded words: add a word to look for"
            if excluded
            else "no words to look for (only punctuation or operators)"
        )
        raise UserError(f"The search query has {problem}.", argument="query")
    return SearchQuery(tuple(required), tuple(excluded))
