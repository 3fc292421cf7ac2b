"""The organisation's public URLs: a post's URL from its slug, and back from a URL to what it shows.

Feeds link to these URLs and oEmbed consumers send them, so both directions come from the same
settings (``HUB_DELIVERY_POST_URL``, ``HUB_DELIVERY_MAP_URL``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit, urlunsplit

from hub import Settings
from hub_delivery import settings as delivery_settings

SLUG = "{slug}"
#: The ``hreflang`` of the version for readers whose language no other alternate is (Google's
#: value; a private-use tag in BCP 47, so Atom's ``hreflang`` takes it).
X_DEFAULT = "x-default"


def _comparable(url: str) -> str:
    """A URL without query, fragment and trailing slash, scheme and host lowercased.

    Consumers send the URL a reader shared: tracking parameters or an anchor must not stop it
    from being recognised.
    """
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), "", ""))


@dataclass(frozen=True)
class UrlPattern:
    """A public URL with ``{slug}`` at most once, such as ``https://example.org/news/{slug}``.

    Without ``{slug}`` it names one page (the map), which matches with the slug ``""``.
    """

    pattern: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"https?://[^\s/?#]+/?[^\s]*", self.pattern):
            raise ValueError(f"{self.pattern!r} is not an absolute http(s) URL")
        if self.pattern.count(SLUG) > 1:
            raise ValueError(f"{self.pattern!r} holds {SLUG} more than once")

    def url(self, slug: str) -> str:
        return self.pattern.replace(SLUG, quote(slug, safe=""))

    def match(self, url: str) -> str | None:
        """The slug ``url`` shows under this pattern, or ``None`` when it is another URL."""
        # A placeholder no URL contains, so the pattern is compared like the URLs it matches.
        before, placeholder, after = _comparable(self.pattern.replace(SLUG, "\0")).partition("\0")
        if not placeholder:
            return "" if _comparable(url) == before else None
        match = re.fullmatch(
            re.escape(before) + r"([a-z0-9]+(?:-[a-z0-9]+)*)" + re.escape(after), _comparable(url)
        )
        return match.group(1) if match else None


@dataclass(frozen=True)
class PublicUrls:
    post_pattern: str
    map_url: str
    #: The pages of sections, people and themes, by type name, where the site has them.
    object_patterns: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> PublicUrls:
        return cls(
            delivery_settings.post_url_pattern(settings),
            delivery_settings.map_url(settings),
            delivery_settings.object_url_patterns(settings),
        )

    def url_patterns(self) -> dict[str, UrlPattern]:
        """Every type with a public page, posts first: what a sitemap lists."""
        patterns = {"Post": self.post_pattern} if self.has_posts else {}
        return {name: UrlPattern(p) for name, p in {**patterns, **self.object_patterns}.items()}

    @property
    def has_posts(self) -> bool:
        return self.post_pattern != ""

    @property
    def site_url(self) -> str:
        """The site the posts live on: the origin of the post URL pattern."""
        parts = urlsplit(self.post_pattern)
        return urlunsplit((parts.scheme, parts.netloc, "/", "", ""))

    def post_url(self, slug: str) -> str:
        return UrlPattern(self.post_pattern).url(slug)

    def object_url(self, type_name: str, slug: str) -> str | None:
        """The public URL of a post, section, person or theme, where its pattern is set."""
        pattern = self.post_pattern if type_name == "Post" else self.object_patterns.get(type_name)
        return UrlPattern(pattern).url(slug) if pattern else None

    def post_slug(self, url: str) -> str | None:
        """The slug in a URL following the post pattern, or ``None`` for any other URL."""
        return UrlPattern(self.post_pattern).match(url) if self.has_posts else None

    def is_map(self, url: str) -> bool:
        return self.map_url != "" and UrlPattern(self.map_url).match(url) == ""
