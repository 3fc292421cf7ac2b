"""The three feed formats partners' readers take: RSS 2.0, Atom (RFC 4287) and JSON Feed 1.1.

XML is built with ``xml.etree`` so titles and bodies are always escaped by the serializer,
never pasted into markup. Namespaces are written as ``xmlns`` attributes and prefixed names
rather than with ``ET.register_namespace``, which changes a process-wide table.

Languages: a feed asked for in a language declares it (RSS ``<language>``, Atom ``xml:lang``,
JSON Feed ``language``) and links to itself in the other languages its content exists in
(``<atom:link rel="alternate" hreflang>`` in RSS and Atom). Each item names its own language
(``dc:language``, an entry's ``xml:lang`` where it differs from the feed's, JSON Feed's item
``language``) and links to its translations (``atom:link``/``link rel="alternate"
hreflang``). JSON Feed 1.1 has no member for either kind of link: they go in its extension
object ``_hub`` (``alternate_feeds``, ``translations``), which readers that do not know it skip.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

import orjson

from hub_delivery.feed_query import FeedPost, Translation
from hub_delivery.public_urls import PublicUrls

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
MEDIA_NS = "http://search.yahoo.com/mrss/"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
#: JSON Feed's extension object (``_`` then a letter, per the spec) for what it has no member for.
JSON_FEED_EXTENSION = "_hub"
XML_LANG = "xml:lang"


@dataclass(frozen=True)
class AlternateFeed:
    """The same feed in another language: ``hreflang`` and the feed's URL with ``lang`` set."""

    hreflang: str
    href: str


@dataclass(frozen=True)
class FeedInfo:
    title: str
    #: The hub URL this feed is read from (its ``self`` link).
    feed_url: str
    #: The newest change among the posts, or the request's moment for an empty feed.
    updated: datetime
    #: The language asked for (``lang``); None for a feed of every language.
    language: str | None = None
    alternates: tuple[AlternateFeed, ...] = ()


@dataclass(frozen=True)
class FeedFormat:
    media_type: str
    render: Callable[[FeedInfo, Sequence[FeedPost], PublicUrls], bytes]


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _summary(post: FeedPost) -> str:
    return post.excerpt or post.title


def _xml(root: ET.Element) -> bytes:
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document


def _child(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _translation_links(parent: ET.Element, tag: str, post: FeedPost, urls: PublicUrls) -> None:
    """The post's versions, each with its ``hreflang``: its translations, then itself.

    Itself last, after its own plain link came first: readers disagree on which of several
    alternates is an item's link (Miniflux and gofeed take the first, feedparser the last),
    and this way both kinds pick the post's own page. Atom allows it, the two differing in
    ``hreflang``.
    """
    if not post.translations:
        return
    versions = (*post.translations, Translation(post.language, post.slug))
    for version in versions:
        _child(parent, tag, href=urls.post_url(version.slug), rel="alternate",
               hreflang=version.language, type="text/html")  # fmt: skip


def _alternate_feeds(parent: ET.Element, tag: str, info: FeedInfo, media_type: str) -> None:
    for alternate in info.alternates:
        _child(parent, tag, href=alternate.href, rel="alternate", hreflang=alternate.hreflang,
               type=media_type)  # fmt: skip


def render_rss(info: FeedInfo, posts: Sequence[FeedPost], urls: PublicUrls) -> bytes:
    namespaces = {"xmlns:atom": ATOM_NS, "xmlns:dc": DC_NS, "xmlns:media": MEDIA_NS}
    rss = ET.Element("rss", {"version": "2.0", **namespaces})
    channel = _child(rss, "channel")
    _child(channel, "title", info.title)
    _child(channel, "link", urls.site_url)
    _child(channel, "description", info.title)
    if info.language is not None:
        _child(channel, "language", info.language)
    _child(channel, "lastBuildDate", format_datetime(info.updated))
    # RSS has no self link of its own; the Atom one is what validators ask for.
    _child(channel, "atom:link", href=info.feed_url, rel="self", type="application/rss+xml")
    _alternate_feeds(channel, "atom:link", info, "application/rss+xml")
    for post in posts:
        item = _child(channel, "item")
        link = urls.post_url(post.slug)
        _child(item, "title", post.title)
        _child(item, "link", link)
        _child(item, "guid", link, isPermaLink="true")
        _child(item, "pubDate", format_datetime(post.published_at))
        _child(item, "description", post.body or _summary(post))
        # <author> must be an e-mail address in RSS 2.0; names go in Dublin Core.
        for name in post.authors:
            _child(item, "dc:creator", name)
        # A fallback item (English in a French feed) says so, for readers and screen readers.
        _child(item, "dc:language", post.language)
        _translation_links(item, "atom:link", post, urls)
        if post.image is not None:
            image = post.image
            # The rendition's size in bytes is not known before it is first made: RSS's advice
            # for an unknown length is 0.
            _child(item, "enclosure", url=image.url, length="0", type=image.media_type)
            content = _child(
                item, "media:content", url=image.url, type=image.media_type, medium="image",
                width=str(image.width), height=str(image.height),
            )  # fmt: skip
            if image.alt:
                _child(content, "media:description", image.alt, type="plain")
    return _xml(rss)


def render_atom(info: FeedInfo, posts: Sequence[FeedPost], urls: PublicUrls) -> bytes:
    attributes = {"xmlns": ATOM_NS}
    if info.language is not None:
        attributes[XML_LANG] = info.language
    feed = ET.Element("feed", attributes)
    _child(feed, "id", info.feed_url)
    _child(feed, "title", info.title)
    _child(feed, "updated", _iso(info.updated))
    _child(feed, "link", href=info.feed_url, rel="self", type="application/atom+xml")
    _child(feed, "link", href=urls.site_url, rel="alternate", type="text/html")
    _alternate_feeds(feed, "link", info, "application/atom+xml")
    # Atom requires an author for every entry; the feed's stands in for posts without one.
    _child(_child(feed, "author"), "name", info.title)
    for post in posts:
        # xml:lang is inherited: an entry says its own only where it is not the feed's.
        own = {XML_LANG: post.language} if post.language != info.language else {}
        entry = _child(feed, "entry", **own)
        link = urls.post_url(post.slug)
        _child(entry, "id", link)
        _child(entry, "title", post.title, type="text")
        _child(entry, "link", href=link, rel="alternate", type="text/html")
        _translation_links(entry, "link", post, urls)
        _child(entry, "published", _iso(post.published_at))
        _child(entry, "updated", _iso(max(post.updated_at, post.published_at)))
        for name in post.authors:
            _child(_child(entry, "author"), "name", name)
        _child(entry, "summary", _summary(post), type="text")
        if post.image is not None:
            _child(entry, "link", href=post.image.url, rel="enclosure", type=post.image.media_type)
        if post.body:
            _child(entry, "content", post.body, type="html")
    return _xml(feed)


def render_json_feed(info: FeedInfo, posts: Sequence[FeedPost], urls: PublicUrls) -> bytes:
    items = []
    for post in posts:
        link = urls.post_url(post.slug)
        item: dict[str, object] = {
            "id": link,
            "url": link,
            "title": post.title,
            "summary": _summary(post),
            "date_published": _iso(post.published_at),
            "date_modified": _iso(max(post.updated_at, post.published_at)),
            "language": post.language,
        }
        # JSON Feed 1.1 wants content_html or content_text in every item.
        if post.body:
            item["content_html"] = post.body
        else:
            item["content_text"] = _summary(post)
        if post.authors:
            item["authors"] = [{"name": name} for name in post.authors]
        if post.image is not None:
            item["image"] = post.image.url
        if post.translations:
            item[JSON_FEED_EXTENSION] = {
                "translations": [
                    {"language": t.language, "url": urls.post_url(t.slug)}
                    for t in post.translations
                ]
            }
        items.append(item)
    feed: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": info.title,
        "home_page_url": urls.site_url,
        "feed_url": info.feed_url,
    }
    if info.language is not None:
        feed["language"] = info.language
    if info.alternates:
        feed[JSON_FEED_EXTENSION] = {
            "alternate_feeds": [
                {"language": alternate.hreflang, "feed_url": alternate.href}
                for alternate in info.alternates
            ]
        }
    feed["items"] = items
    return orjson.dumps(feed)


FORMATS: dict[str, FeedFormat] = {
    "rss": FeedFormat("application/rss+xml; charset=utf-8", render_rss),
    "atom": FeedFormat("application/atom+xml; charset=utf-8", render_atom),
    "json": FeedFormat("application/feed+json; charset=utf-8", render_json_feed),
}
