"""Text as the index sees it: HTML reduced to words, accents and case folded, split into tokens.

The same folding serves both backends and the query parser, so a word typed by a visitor is
cut into exactly the tokens the index holds ("Bürgisser" and "burgisser" are one token,
"women's" is the phrase "women s").
"""

from __future__ import annotations

import html
import re
import unicodedata

import nh3

# Letters and digits of any script; everything else (punctuation, "_", symbols) separates words,
# as in SQLite's unicode61 tokenizer and PostgreSQL's default parser.
_TOKEN = re.compile(r"[^\W_]+")


def html_to_text(markup: str) -> str:
    """The readable text of HTML: tags dropped, entities decoded, whitespace folded."""
    spaced = re.sub(r"<(/p|br|/h\d|/li)\b[^>]*>", r"<\1> ", markup)
    return " ".join(html.unescape(nh3.clean(spaced, tags=set())).split())


def fold(text: str) -> str:
    """Lower case without accents: "Bürgisser" -> "burgisser", "Æ" stays a letter."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def tokens(text: str) -> list[str]:
    """The folded words of ``text`` in order."""
    return _TOKEN.findall(fold(text))
