"""A WordPress export turned into the records ``hub import`` reads (``docs/import-format.md``).

The records go through the import's one validation and its one transaction, exactly as a JSON
file's do; this module only decides what each WordPress item becomes, and notes every item it
skips or adjusts, by its WordPress id, for the report.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from hub.content.checking import Refusal, checkers
from hub.content.core_types import POST
from hub.content.demo import slugify
from hub.content.imported_media import ImportedMedia
from hub.content.redirects import normalised_path
from hub.content.validation import MAX_SLUG_LENGTH, check_language_tag
from hub.content.wordpress.bodies import clean_body
from hub.content.wordpress.wxr import Author, Channel, Entry, Item, Term

MAX_TITLE = 300
_ZERO_DATE = "0000-00-00 00:00:00"
_STATUSES = {"publish": "published", "draft": "draft", "pending": "draft", "future": "scheduled"}
#: A variable of an SEO plugin's template: Yoast's %%title%%, Rank Math's %title%.
_SEO_TEMPLATE = re.compile(r"%%?[a-z_]+%%?")
#: Where Yoast SEO and Rank Math keep a post's own meta description and canonical URL.
_SEO_META = {
    "meta_description": ("_yoast_wpseo_metadesc", "rank_math_description"),
    "canonical_url": ("_yoast_wpseo_canonical", "rank_math_canonical_url"),
}


class ThemesFrom(StrEnum):
    """Which WordPress taxonomies become the hub's themes."""

    CATEGORIES = "categories"
    TAGS = "tags"
    BOTH = "both"

    def taxonomies(self) -> frozenset[str]:
        return {
            ThemesFrom.CATEGORIES: frozenset({"category"}),
            ThemesFrom.TAGS: frozenset({"post_tag"}),
            ThemesFrom.BOTH: frozenset({"category", "post_tag"}),
        }[self]


@dataclass(frozen=True)
class Notice:
    """An item skipped or adjusted, named by its kind and WordPress id."""

    kind: str
    wordpress_id: str
    message: str

    def __str__(self) -> str:
        return f"{self.kind} {self.wordpress_id or '(no id)'}: {self.message}"


@dataclass(frozen=True)
class ImportedPost:
    """Where a WordPress post went: kept for redirects from its old URL."""

    wordpress_id: str
    link: str
    slug: str


@dataclass
class WordPressImport:
    """The records to import, the media to hand over, and what the report says."""

    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    themes: dict[str, dict[str, Any]] = field(default_factory=dict)
    posts: list[dict[str, Any]] = field(default_factory=list)
    media: list[ImportedMedia] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    imported_posts: list[ImportedPost] = field(default_factory=list)
    comments: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    version: str = ""

    def document(self) -> dict[str, Any]:
        """The records in the import file's shape (``hub.content.transfer.import_content``)."""
        return {
            "version": 1,
            "people": list(self.people.values()),
            "themes": list(self.themes.values()),
            "posts": self.posts,
        }


def _unique(wanted: str, used: set[str]) -> str:
    slug, number = wanted, 2
    while slug in used:
        suffix = f"-{number}"
        slug = wanted[: MAX_SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
        number += 1
    used.add(slug)
    return slug


def _slug(text: str) -> str:
    # WordPress keeps non-ASCII slugs percent-encoded ("caf%c3%a9").
    return slugify(unquote(text))[:MAX_SLUG_LENGTH].rstrip("-")


def _date(value: str) -> str | None:
    value = value.strip()
    if not value or value == _ZERO_DATE:
        return None
    return value.replace(" ", "T") + "+00:00"


class Converter:
    """Feed it the export's entries in order (:meth:`add`), then :meth:`finish`."""

    def __init__(self, themes_from: ThemesFrom, uploads: Path | None) -> None:
        self.result = WordPressImport()
        self.taxonomies = themes_from.taxonomies()
        self.uploads = uploads
        self.language: str | None = None
        self.authors: dict[str, str] = {}  # login → person slug
        self.term_slugs: dict[tuple[str, str], str] = {}  # (taxonomy, WordPress slug) → theme
        self.post_slugs: set[str] = set()
        self.theme_slugs: set[str] = set()
        self.person_slugs: set[str] = set()
        self.attachments: dict[str, Item] = {}
        self.featured: dict[str, list[str]] = {}  # attachment id → post slugs

    def note(self, kind: str, wordpress_id: str, message: str) -> None:
        self.result.notices.append(Notice(kind, wordpress_id, message))

    def add(self, entry: Entry) -> None:
        if isinstance(entry, Channel):
            self._channel(entry)
        elif isinstance(entry, Author):
            self._author(entry.login, entry.display_name, entry.wordpress_id)
        elif isinstance(entry, Term):
            self._term(entry)
        elif entry.post_type == "post":
            self._post(entry)
        elif entry.post_type == "attachment":
            self.attachments[entry.wordpress_id] = entry
        else:
            self.result.skipped[entry.post_type] += 1
            self.note(entry.post_type, entry.wordpress_id, "skipped: only posts are imported")

    def _channel(self, channel: Channel) -> None:
        self.result.version = channel.wxr_version
        if channel.language:
            try:
                check_language_tag(channel.language)
                self.language = channel.language
            except ValueError as error:
                self.note("site", "", f"language {channel.language!r} ignored ({error})")

    def _author(self, login: str, name: str, wordpress_id: str) -> str:
        wanted = _slug(login) or f"author-{wordpress_id or len(self.authors) + 1}"
        slug = _unique(wanted, self.person_slugs)
        self.authors[login] = slug
        self.result.people[slug] = {"slug": slug, "name": (name or login)[:200]}
        return slug

    def _term(self, term: Term) -> str | None:
        if term.taxonomy not in self.taxonomies:
            return None
        key = (term.taxonomy, term.slug)
        if key in self.term_slugs:
            return self.term_slugs[key]
        kind = "tag" if term.taxonomy == "post_tag" else term.taxonomy
        wanted = _slug(term.slug) or _slug(term.name) or f"{kind}-{term.wordpress_id}"
        if wanted in self.result.themes and len(self.taxonomies) > 1:
            # A category and a tag of the same name are one subject: one theme.
            message = f'shares the theme "{wanted}" with a term of another taxonomy'
            self.note(kind, term.wordpress_id, message)
            slug = wanted
        else:
            slug = _unique(wanted, self.theme_slugs)
            if slug != term.slug:
                self.note(kind, term.wordpress_id, f'slug "{term.slug}" imported as "{slug}"')
            name = term.name or term.slug
            self.result.themes[slug] = {
                "slug": slug,
                "name": name[:200],
                "description": term.description,
            }
        if term.parent:
            self.note(kind, term.wordpress_id, f'is under "{term.parent}"; themes are not nested')
        self.term_slugs[key] = slug
        return slug

    def _post(self, item: Item) -> None:
        pid = item.wordpress_id
        if item.status not in (*_STATUSES, "private"):
            self.result.skipped[f"{item.status or 'no status'} post"] += 1
            self.note("post", pid, f'skipped: status "{item.status}" is not imported')
            return
        status = _STATUSES.get(item.status, "draft")
        if item.status == "private":
            self.note("post", pid, "is private: imported as a draft, which is not public")
        title = " ".join(item.title.split())
        if not title:
            title = "Untitled"
            self.note("post", pid, 'has no title: imported as "Untitled"')
        elif len(title) > MAX_TITLE:
            title = title[: MAX_TITLE - 1].rstrip() + "…"
            self.note("post", pid, f"title shortened to {MAX_TITLE} characters")
        wanted = _slug(item.post_name) or _slug(title) or f"post-{pid}"
        slug = _unique(wanted, self.post_slugs)
        if slug != wanted:
            message = f'slug "{wanted}" is used by an earlier post: imported as "{slug}"'
            self.note("post", pid, message)
        elif item.post_name and slug != item.post_name:
            self.note("post", pid, f'slug "{item.post_name}" imported as "{slug}"')
        published_at = _date(item.date_gmt)
        if published_at is None and status != "draft":
            published_at = _date(item.date)
            if published_at is None:
                status = "draft"
                self.note("post", pid, f"is {item.status} but has no date: imported as a draft")
            else:
                self.note("post", pid, "has no GMT date: its local date is taken as UTC")
        body, handled = clean_body(item.body)
        for done in handled:
            self.note("post", pid, f"shortcode {done}")
        record: dict[str, Any] = {
            "slug": slug,
            "title": title,
            "excerpt": item.excerpt,
            "body": body,
            "status": status,
            "published_at": published_at,
            "authors": self._post_authors(item),
            "themes": self._post_themes(item),
        }
        if self.language:
            record["language"] = self.language
        record.update(self._seo(item))
        record["old_paths"] = self._permalinks(item)
        self.result.posts.append(record)
        self.result.imported_posts.append(ImportedPost(pid, item.link, slug))
        if item.comments:
            self.result.comments += item.comments
        thumbnail = item.meta.get("_thumbnail_id", "").strip()
        if thumbnail:
            self.featured.setdefault(thumbnail, []).append(slug)

    def _seo(self, item: Item) -> dict[str, str]:
        """The post's own meta description and canonical URL from an SEO plugin's fields,
        where the hub's validation takes them; any other is noted and left to the defaults."""
        found: dict[str, str] = {}
        for name, keys in _SEO_META.items():
            value = next((item.meta[key] for key in keys if item.meta.get(key, "").strip()), "")
            if not value:
                continue
            if _SEO_TEMPLATE.search(value):
                # A template ("%%title%% %%sep%% %%sitename%%") the SEO plugin filled in.
                self.note("post", item.wordpress_id, f"{name} {value!r} is a template: not kept")
                continue
            try:
                found[name] = checkers(POST)[name](value)
            except Refusal as refusal:
                self.note("post", item.wordpress_id, f"{name} not kept: {refusal.message}")
        return found

    def _permalinks(self, item: Item) -> list[str]:
        """The post's WordPress addresses, kept as redirects (``redirect(path:)``): its
        permalink and ``/?p=<id>``, which WordPress answers whatever the permalink settings."""
        paths = [f"/?p={item.wordpress_id}"] if item.wordpress_id.isdigit() else []
        if item.link:
            try:
                paths.append(normalised_path(item.link))
            except ValueError as error:
                self.note("post", item.wordpress_id, f"link not kept as a redirect: {error}")
        return sorted(set(paths))

    def _post_authors(self, item: Item) -> list[str]:
        if not item.creator:
            self.note("post", item.wordpress_id, "has no author: imported without one")
            return []
        if item.creator not in self.authors:
            message = f'author "{item.creator}" is not among the export\'s authors: added'
            self.note("post", item.wordpress_id, message)
            return [self._author(item.creator, item.creator, "")]
        return [self.authors[item.creator]]

    def _post_themes(self, item: Item) -> list[str]:
        themes: list[str] = []
        for taxonomy, slug, name in item.terms:
            theme = self._term(Term(taxonomy, "", slug, name, "", ""))
            if theme is not None and theme not in themes:
                themes.append(theme)
        return themes

    def finish(self) -> WordPressImport:
        """The import, once every entry was added: attachments joined to their posts."""
        for attachment_id, item in self.attachments.items():
            self._attachment(item, tuple(self.featured.pop(attachment_id, ())))
        for attachment_id, slugs in self.featured.items():
            for slug in slugs:
                message = f'"{slug}": featured image {attachment_id} is not in the export'
                self.note("post", "", message)
        return self.result

    def _attachment(self, item: Item, featured_on: tuple[str, ...]) -> None:
        relative = item.meta.get("_wp_attached_file", "").strip()
        if not relative and "/uploads/" in item.attachment_url:
            relative = unquote(urlsplit(item.attachment_url).path.split("/uploads/", 1)[1])
        url = item.attachment_url
        found = self.uploads / relative if self.uploads and relative else None
        if found is None or not found.is_file():
            where = f"in {self.uploads}" if self.uploads else "(no --uploads folder given)"
            featured = f"; featured image of {', '.join(featured_on)}" if featured_on else ""
            message = f"no file {relative or url} {where}: reference kept ({url}){featured}"
            self.note("attachment", item.wordpress_id, message)
            return
        self.result.media.append(
            ImportedMedia(
                source=f"attachment {item.wordpress_id}",
                file=found,
                url=url,
                title=" ".join(item.title.split()),
                alt=item.meta.get("_wp_attachment_image_alt", "").strip(),
                caption=item.excerpt.strip(),
                featured_on=featured_on,
            )
        )


def convert(
    entries: Iterable[Entry], themes_from: ThemesFrom, uploads: Path | None
) -> WordPressImport:
    converter = Converter(themes_from, uploads)
    for entry in entries:
        converter.add(entry)
    return converter.finish()
