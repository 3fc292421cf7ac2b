"""A WordPress post body made ready for the hub's sanitiser: block-editor comments removed,
shortcodes turned into HTML or removed (each one named, for the report), and the classic
editor's blank-line paragraphs made into ``<p>`` as WordPress's ``wpautop`` does on display.
"""

from __future__ import annotations

import html
import re

_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->", re.DOTALL)
# WordPress's own shortcode grammar (get_shortcode_regex), for any name: `[name attrs]`,
# `[name attrs /]`, or `[name attrs]content[/name]`; `[[name]]` is an escaped, literal one.
_SHORTCODE = re.compile(
    r"\[(\[?)([A-Za-z][\w-]*)(?![\w-])((?:[^\]/]|/(?!\]))*)(?:(/)\]|\](?:(.*?)\[/\2\])?)(\]?)",
    re.DOTALL,
)
_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
_LEADING_TAGS = re.compile(r"\s*((?:<[^>]+>\s*)+)(.*)", re.DOTALL)
_BLOCK_TAG = re.compile(r"<(?:p|div|h[1-6]|ul|ol|figure|blockquote|table|pre)[\s>]", re.I)
#: Core shortcodes that show media the import cannot bring along inside a body.
_MEDIA_SHORTCODES = frozenset({"gallery", "audio", "video", "playlist"})


def _attributes(text: str) -> dict[str, str]:
    return {
        match[1].lower(): match[2] or match[3] or match[4] or ""
        for match in _ATTRIBUTE.finditer(text)
    }


def _replace_shortcode(match: re.Match[str], handled: list[str]) -> str:
    if match[1] == "[" and match[6] == "]":  # [[escaped]] is shown as written, minus a bracket
        return match[0][1:-1]
    name, attributes, content = match[2].lower(), match[3], match[5] or ""
    if not attributes.strip() and match[4] is None and match[5] is None:
        return match[0]  # a bare [word] is text ("[sic]", "[1]"), not a shortcode
    if name in ("caption", "wp_caption"):
        handled.append(f"[{name}] made a figure")
        # The caption text is what follows the image (perhaps inside a link) in the shortcode.
        parts = _LEADING_TAGS.match(content)
        image, caption = (parts[1], parts[2]) if parts else ("", content)
        return f"<figure>{image.strip()}<figcaption>{caption.strip()}</figcaption></figure>"
    if name == "embed":
        url = html.escape(content.strip(), quote=True)
        handled.append("[embed] made a link")
        return f'<p><a href="{url}">{url}</a></p>'
    found = _attributes(attributes)
    if name in _MEDIA_SHORTCODES:
        handled.append(f"[{name}] removed ({found.get('ids') or found.get('src') or 'no source'})")
        return ""
    handled.append(f"[{name}] removed, its text kept" if content else f"[{name}] removed")
    return content


def _autop(text: str) -> str:
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]
    return "".join(f"<p>{part.replace(chr(10), '<br>')}</p>" for part in paragraphs)


def clean_body(body: str) -> tuple[str, list[str]]:
    """The body to import, and what was done to its shortcodes (empty when nothing)."""
    handled: list[str] = []
    body = _BLOCK_COMMENT.sub("", body)
    if "[" in body:
        body = _SHORTCODE.sub(lambda match: _replace_shortcode(match, handled), body)
    if "\n" in body and not _BLOCK_TAG.search(body):
        body = _autop(body)
    return body, handled
