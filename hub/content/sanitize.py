"""Post bodies are HTML from editors and import files: keep what an article needs, drop the rest.

One allow-list for every way a body comes in (import, demo content, mutations), so what the API
serves never depends on the path a post took.
"""

from __future__ import annotations

import html

import nh3

#: Block and inline tags an article needs; anything else is unwrapped (its text stays).
ARTICLE_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4",
        "a", "em", "strong", "i", "b", "u", "s", "sub", "sup", "small", "mark", "abbr", "cite",
        "q", "code", "pre", "blockquote",
        "ul", "ol", "li", "dl", "dt", "dd",
        "figure", "figcaption", "img",
        "table", "caption", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip

#: No style, class, id or on* attribute anywhere: styling belongs to the site, not the post.
ARTICLE_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ol": {"start"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}

#: Tags whose *content* is dropped too: their text is code or chrome, never prose.
DROPPED_WITH_CONTENT: frozenset[str] = frozenset(
    {"script", "style", "iframe", "object", "embed", "svg", "math", "noscript", "template", "form"}
)

#: Links and images may point to the web or to mail; javascript:, data: and vbscript: never pass.
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

_cleaner = nh3.Cleaner(
    tags=set(ARTICLE_TAGS),
    clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes=ARTICLE_ATTRIBUTES,
    url_schemes=set(URL_SCHEMES),
    link_rel="noopener noreferrer",
    strip_comments=True,
)


def sanitize_html(markup: str) -> str:
    """``markup`` with only the article allow-list left; sanitising twice changes nothing."""
    return _cleaner.clean(markup).strip()


def html_to_text(markup: str) -> str:
    """The readable text of sanitised HTML: tags dropped, entities decoded, spaces folded."""
    spaced = markup.replace("</p>", "</p>\n\n").replace("<br>", "\n")
    text = html.unescape(nh3.clean(spaced, tags=set()))
    paragraphs = (" ".join(part.split()) for part in text.split("\n\n"))
    return "\n\n".join(part for part in paragraphs if part)
