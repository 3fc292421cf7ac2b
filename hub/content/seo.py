"""What a post's page tells search engines and link previews (``Post.seo``), with defaults.

A frontend fills ``<title>``, ``<meta name="description">``, ``<link rel="canonical">`` and
the Open Graph / Twitter card tags from it. Each value is the post's own when it sets one
(``meta_description``, ``canonical_url``), else a default: the description is the excerpt (or
the body) as plain text, cut at a word near 160 characters as Yoast SEO does; the canonical URL
is the post's public URL, which a plugin knowing the public site answers (``public_url``). The
type is registered by name (``PostSeo``) so plugins can extend it: the media plugin adds
``image``. Everything here is read from the post's row: no SQL statement of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

import strawberry

from hub.content.sanitize import html_to_text
from hub.graphql.context import Info
from hub.graphql.lazy import ref

if TYPE_CHECKING:
    PostSeoRef: TypeAlias = Any
else:
    PostSeoRef = ref("PostSeo")

#: Search engines show about this many characters of a description (Google cuts near 155-160).
DESCRIPTION_LENGTH = 160
ELLIPSIS = "\u2026"
#: Left off the end of a cut description, before the ellipsis ("war, …" reads badly).
TRAILING = " ,;:.-\u2013\u2014([{"


def summary(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """``text`` on one line, at most ``limit`` characters: cut at a word boundary with an
    ellipsis when it is longer (a single longer word is cut inside)."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    head = line[: limit - len(ELLIPSIS) + 1]  # one more: a space there ends a whole word
    cut = head.rfind(" ")
    kept = head[:cut] if cut > 0 else head[:-1]
    return kept.rstrip(TRAILING) + ELLIPSIS


@strawberry.type(
    name="PostSeo",
    description="What the post's page tells search engines and link previews: the post's own "
    "values where it sets them, sensible defaults otherwise.",
)
class PostSeoType:
    #: The post's primary key: plugins extending PostSeo load their fields by it.
    id: strawberry.Private[int]
    slug: strawberry.Private[str]
    excerpt: strawberry.Private[str]
    body_html: strawberry.Private[str]
    meta_description: strawberry.Private[str]
    canonical_url_set: strawberry.Private[str | None]
    title: str = strawberry.field(description="The title for `<title>` and `og:title`.")

    @strawberry.field(
        description='For `<meta name="description">` and `og:description`: the post\'s meta '
        "description when it has one; else its excerpt (or, without one, its body) as plain "
        "text, cut at a word boundary with an ellipsis to at most 160 characters. Null when "
        "the post has no text."
    )
    def description(self) -> str | None:
        if self.meta_description:
            return self.meta_description
        text = html_to_text(self.excerpt) or html_to_text(self.body_html)
        return summary(text) if text else None

    @strawberry.field(
        description='For `<link rel="canonical">` and `og:url`: the post\'s canonical URL '
        "when it sets one; else its public URL where the hub knows it (the delivery plugin's "
        "HUB_DELIVERY_POST_URL), else null."
    )
    def canonical_url(self, info: Info) -> str | None:
        if self.canonical_url_set:
            return self.canonical_url_set
        found: str | None = info.context.plugin_manager.hook.public_url(
            type_name="Post", slug=self.slug, settings=info.context.settings
        )
        return found


def post_seo(root: Any) -> PostSeoType:
    """``Post.seo`` of a post object (``PostType.from_row``)."""
    return PostSeoType(
        id=root.id,
        slug=root.slug,
        excerpt=root.excerpt,
        body_html=root.body_html,
        meta_description=root.meta_description,
        canonical_url_set=root.canonical_url,
        title=root.title,
    )
