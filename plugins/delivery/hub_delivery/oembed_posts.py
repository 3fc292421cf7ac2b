"""Posts as oEmbed resources: a short card (title linking to the post, excerpt, image).

A post's URL embeds that post, in its own language (the card's ``lang``). With ``lang=fr-CH``
it embeds the post's translation along the fallback chain (``fr-CH``, ``fr``, the
organisation's language): title, card and author of that version, at its URL. A post with no
public version in the chain is a 404 saying so.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from hub import (
    Context,
    PostAuthor,
    Settings,
    best_in_chain,
    canonical_language_tag,
    fallback_chain,
    redirected_post_id,
    visible_posts,
)
from hub_delivery.oembed_request import BadOEmbedRequest, Size, requested_language
from hub_delivery.post_images import PostImage, post_images
from hub_delivery.public_urls import PublicUrls

POST_SIZE = (600, 200)
POST_COLUMNS = ("id", "slug", "title", "excerpt", "language", "translation_group")


def post_card(
    title: str,
    excerpt: str,
    url: str,
    image: PostImage | None = None,
    width: int = 0,
    language: str = "",
) -> str:
    """The embedded post: escaped text in a fixed structure, so nothing stored becomes markup."""
    card = ET.Element("blockquote", {"class": "hub-post-embed", "cite": url})
    if language:
        # Pasted into a page in another language, the card still reads in its own.
        card.set("lang", language)
    if image is not None:
        scale = min(1.0, width / image.width) if width else 1.0  # the same shape, smaller
        ET.SubElement(card, "img", {
            "src": image.url, "alt": image.alt, "width": str(max(1, round(image.width * scale))),
            "height": str(max(1, round(image.height * scale))), "loading": "lazy",
        })  # fmt: skip
    link = ET.SubElement(ET.SubElement(card, "p"), "a", {"href": url})
    link.text = title
    if excerpt:
        ET.SubElement(card, "p").text = excerpt
    return ET.tostring(card, encoding="unicode", method="html")


@dataclass(frozen=True)
class PostEmbed:
    """Posts at the organisation's post URLs (``HUB_DELIVERY_POST_URL``)."""

    url_pattern: str
    settings: Settings

    async def embed(
        self, slug: str, request: Request, max_width: int | None, max_height: int | None
    ) -> Mapping[str, Any] | None:
        plugin_manager = request.app.state.hub.plugin_manager
        context = Context(self.settings, plugin_manager, {}, request=request)
        row = await visible_posts(context).filter(slug=slug).first().values(*POST_COLUMNS)
        if row is None:
            # A link shared before the post was renamed: embed the post at its new URL.
            moved_to = await redirected_post_id(slug)
            if moved_to is None:
                return None
            row = await visible_posts(context).filter(id=moved_to).first().values(*POST_COLUMNS)
            if row is None:
                return None
        keys = ["Post", f"Post:{row['id']}"]
        language = requested_language(request)
        if language is not None:
            row = await self.translation(context, row, language)
            keys.append(f"Post:{row['id']}")
        size = Size(*POST_SIZE).within(max_width, max_height)
        urls = PublicUrls.from_settings(self.settings)
        url = urls.post_url(row["slug"])
        image = (await post_images(request, [row["id"]])).get(row["id"])
        card_language = canonical_language_tag(row["language"])
        answer: dict[str, Any] = {
            "title": row["title"],
            "html": post_card(row["title"], row["excerpt"], url, image, size.width, card_language),
            "width": size.width,
            "height": size.height,
            "cache_keys": sorted(set(keys)),
        }
        answer |= await self.author(row["id"], urls)
        if image is not None:
            answer |= {"thumbnail_url": image.url, "thumbnail_width": image.width,
                       "thumbnail_height": image.height}  # fmt: skip
        return answer

    async def translation(
        self, context: Context, row: Mapping[str, Any], language: str
    ) -> dict[str, Any]:
        """The version of ``row``'s post a reader of ``language`` is served: one statement."""
        group = row["translation_group"]
        versions = visible_posts(context)
        versions = (
            versions.filter(translation_group=group) if group else versions.filter(id=row["id"])
        )
        chain = fallback_chain(language, self.settings.default_language)
        served = await best_in_chain(versions, chain, context).first().values(*POST_COLUMNS)
        if served is None:
            raise BadOEmbedRequest(
                404,
                f"{row['slug']!r} has no public version in {language!r} or the languages it "
                f"falls back to ({', '.join(chain)})",
            )
        return served

    async def author(self, post_id: int, urls: PublicUrls) -> dict[str, str]:
        """oEmbed's ``author_name`` (every author, in order) and ``author_url`` (the first
        author's page, where the site has people's pages)."""
        authors = (
            await PostAuthor.filter(post_id=post_id)
            .order_by("position", "id")
            .values_list("person__name", "person__slug")
        )
        if not authors:
            return {}
        answer = {"author_name": ", ".join(str(name) for name, _ in authors)}
        page = urls.object_url("Person", str(authors[0][1]))
        if page is not None:
            answer["author_url"] = page
        return answer
