"""Reading a WordPress export (WXR 1.0 to 1.2, as Tools → Export writes it), one element at a time.

The file is parsed incrementally and every top-level element is dropped once read, so memory
stays bounded whatever the file's size. The parser is defusedxml's: entity definitions (the
"billion laughs") and external references are refused instead of expanded. Expat decodes the
encodings a declaration may name (UTF-8, UTF-16, ISO-8859-1, windows-1252, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2")


class UnreadableExport(ValueError):
    """The file is not a WordPress export this reader can read; nothing of it was imported."""


@dataclass(frozen=True)
class Channel:
    """The site's own facts, from the elements before the first author, term or item."""

    wxr_version: str
    language: str
    base_url: str


@dataclass(frozen=True)
class Author:
    login: str
    display_name: str
    wordpress_id: str


@dataclass(frozen=True)
class Term:
    """A category, tag or other taxonomy's term; ``parent`` is the parent's slug."""

    taxonomy: str
    wordpress_id: str
    slug: str
    name: str
    parent: str
    description: str


@dataclass
class Item:
    """A post, page, attachment or any other post type, with what an import needs of it."""

    wordpress_id: str
    post_type: str
    title: str = ""
    link: str = ""
    creator: str = ""
    body: str = ""
    excerpt: str = ""
    status: str = ""
    post_name: str = ""
    date: str = ""
    date_gmt: str = ""
    parent: str = ""
    attachment_url: str = ""
    #: (taxonomy, slug, name) of each term the item is filed under.
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: int = 0


Entry = Channel | Author | Term | Item


def _local(tag: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag."""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _text(element: Element | None) -> str:
    return (element.text or "") if element is not None else ""


def _children(element: Element) -> dict[str, str]:
    """Each child's text by local name; ``content:encoded`` and ``excerpt:encoded`` apart."""
    found: dict[str, str] = {}
    for child in element:
        namespace, name = _local(child.tag)
        if name == "encoded":
            name = "excerpt" if namespace.rstrip("/").endswith("excerpt") else "content"
        found.setdefault(name, child.text or "")
    return found


def _author(element: Element) -> Author:
    values = _children(element)
    login = values.get("author_login", "").strip()
    return Author(
        login=login,
        display_name=values.get("author_display_name", "").strip() or login,
        wordpress_id=values.get("author_id", "").strip(),
    )


def _term(name: str, element: Element) -> Term:
    values = _children(element)
    if name == "category":
        return Term(
            "category",
            values.get("term_id", "").strip(),
            values.get("category_nicename", "").strip(),
            values.get("cat_name", "").strip(),
            values.get("category_parent", "").strip(),
            values.get("category_description", "").strip(),
        )
    if name == "tag":
        return Term(
            "post_tag",
            values.get("term_id", "").strip(),
            values.get("tag_slug", "").strip(),
            values.get("tag_name", "").strip(),
            "",
            values.get("tag_description", "").strip(),
        )
    return Term(
        values.get("term_taxonomy", "").strip(),
        values.get("term_id", "").strip(),
        values.get("term_slug", "").strip(),
        values.get("term_name", "").strip(),
        values.get("term_parent", "").strip(),
        values.get("term_description", "").strip(),
    )


def _item(element: Element) -> Item:
    values = _children(element)
    item = Item(
        wordpress_id=values.get("post_id", "").strip(),
        post_type=values.get("post_type", "post").strip() or "post",
        title=values.get("title", ""),
        link=values.get("link", "").strip(),
        creator=values.get("creator", "").strip(),
        body=values.get("content", ""),
        excerpt=values.get("excerpt", ""),
        status=values.get("status", "").strip(),
        post_name=values.get("post_name", "").strip(),
        date=values.get("post_date", "").strip(),
        date_gmt=values.get("post_date_gmt", "").strip(),
        parent=values.get("post_parent", "").strip(),
        attachment_url=values.get("attachment_url", "").strip(),
    )
    for child in element:
        _, name = _local(child.tag)
        if name == "category":
            taxonomy = child.get("domain", "category")
            item.terms.append((taxonomy, child.get("nicename", "").strip(), _text(child).strip()))
        elif name == "postmeta":
            meta = _children(child)
            item.meta.setdefault(meta.get("meta_key", ""), meta.get("meta_value", ""))
        elif name == "comment":
            item.comments += 1
    return item


def read_export(source: IO[bytes], advance: Callable[[int], None]) -> Iterator[Entry]:
    """Every author, term and item of the export in ``source``, in file order, after its
    :class:`Channel`; ``advance`` is told how many bytes were read.

    Raises :class:`UnreadableExport` naming the first problem of a file that is not well-formed
    XML, refuses entities, or is no WordPress export.
    """
    reader = _CountingReader(source, advance)
    depth = 0
    channel: Element | None = None
    facts: dict[str, str] = {}
    announced = False
    try:
        for event, element in iterparse(reader, events=("start", "end")):
            if event == "start":
                depth += 1
                if depth == 2:
                    channel = element
                continue
            depth -= 1
            if depth != 2 or channel is None:
                continue
            namespace, name = _local(element.tag)
            entry: Entry | None = None
            if name == "item":
                entry = _item(element)
            elif namespace.startswith("http://wordpress.org/export/"):
                if name == "author":
                    entry = _author(element)
                elif name in ("category", "tag", "term"):
                    entry = _term(name, element)
                else:
                    facts.setdefault(name, _text(element).strip())
            elif name in ("language", "link"):
                facts.setdefault(name, _text(element).strip())
            if entry is not None:
                if not announced:
                    yield _channel(facts)
                    announced = True
                yield entry
                # What was read is dropped: the channel keeps no children, memory stays flat.
                channel.clear()
    except ParseError as error:
        line, column = error.position
        message = str(error).split(":")[0]
        where = f"at line {line}, column {column}"
        raise UnreadableExport(f"is not well-formed XML: {message} {where}") from None
    except DefusedXmlException as error:
        raise UnreadableExport(
            f"declares entities ({type(error).__name__}), which a WordPress export never does; "
            "they are refused so that a file cannot expand without limit or read other files"
        ) from None
    if not announced:
        yield _channel(facts)


def _channel(facts: dict[str, str]) -> Channel:
    version = facts.get("wxr_version", "")
    if not version:
        raise UnreadableExport("is not a WordPress export: it has no wp:wxr_version")
    if version not in SUPPORTED_VERSIONS:
        raise UnreadableExport(
            f"is WXR version {version}; this hub reads versions {', '.join(SUPPORTED_VERSIONS)}"
        )
    return Channel(version, facts.get("language", ""), facts.get("base_site_url", ""))


class _CountingReader:
    """A binary file that tells how far it has been read (for the progress bar)."""

    def __init__(self, source: IO[bytes], advance: Callable[[int], None]) -> None:
        self.source, self.advance = source, advance

    def read(self, size: int = -1) -> bytes:
        data = self.source.read(size)
        self.advance(len(data))
        return data
