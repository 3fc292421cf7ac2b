# mypy: disable-error-code="empty-body"
"""Hooks the delivery plugin publishes (through ``add_hookspecs``) for CDN and content plugins."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import pluggy

if TYPE_CHECKING:
    from starlette.requests import Request

    from hub import Settings

hookspec = pluggy.HookspecMarker("hub")


class OEmbedResource(Protocol):
    """What ``register_oembed_resources`` returns; any object of this shape will do.

    ``embed`` answers in the language the request asks for (``lang``, already checked) where
    the resource has one: read it with ``hub_delivery.oembed_request.requested_language``.
    """

    @property
    def url_pattern(self) -> str: ...

    async def embed(
        self, slug: str, request: Request, max_width: int | None, max_height: int | None
    ) -> Mapping[str, Any] | None: ...


@hookspec
def purge_cache(keys: Sequence[str], remote: bool) -> Awaitable[None] | None:
    """Forget cached GraphQL answers tagged with any of ``keys``; may be async.

    Keys are the ones sent in the ``Surrogate-Key`` header: type keys (``Post``) and node keys
    (``Post:12``), plus ``Query`` for answers that name no content type. Called after content
    was committed, in every server process and CLI command: ``remote`` is True when another
    process committed the change. A cache shared by every process (a CDN, Varnish) ignores
    remote purges, which the committing process made already; a cache kept in this process
    (like the delivery plugin's response cache) purges either way. The delivery plugin purges
    Varnish, Fastly and Cloudflare when their settings are given. Mark the implementation
    ``@hookimpl(optionalhook=True)`` so your plugin still loads without the delivery plugin.
    """


@hookspec
def register_oembed_resources(settings: Settings) -> Sequence[OEmbedResource]:
    """Offer pages of the organisation's public site to the oEmbed provider (``/oembed``).

    Each resource has ``url_pattern``, an absolute URL with ``{slug}`` at most once (such as
    ``https://example.org/campaigns/{slug}``; without ``{slug}`` it names one page), and an
    async ``embed(slug, request, max_width, max_height)`` returning ``None`` when nothing public
    has that slug, or a mapping with ``title``, ``html``, ``width`` and ``height`` (within the
    maximums when given), optionally ``author_name`` and ``author_url``, and ``cache_keys``:
    the ``Surrogate-Key`` tags the answer is purged by. The provider sanitises ``html`` (links,
    paragraphs, quotes, figures, images and iframes survive; scripts, styles and event handlers
    do not). The first resource whose pattern matches and whose ``embed`` answers wins; the
    delivery plugin's own posts and sections map come first. Mark the implementation
    ``@hookimpl(optionalhook=True)`` so your plugin still loads without the delivery plugin.
    """


@hookspec
def post_images(
    post_ids: Sequence[int], request: Request
) -> Awaitable[Mapping[int, Mapping[str, Any]]] | Mapping[int, Mapping[str, Any]] | None:
    """The image to show with each post in feeds, oEmbed answers and the ``<hub-posts>`` widget.

    Answer ``{post_id: image}`` for the posts that have one, each image a mapping with ``url``
    (absolute: feed readers and other sites fetch it; ``request.base_url`` is the hub's),
    ``type`` (its media type), ``width`` and ``height`` in pixels and ``alt``; may be async.
    Feeds carry it as an RSS ``enclosure`` and ``media:content``, an Atom ``link
    rel="enclosure"`` and JSON Feed ``image``; oEmbed answers as ``thumbnail_url`` and in the
    card; the widget beside each post. Called once per feed, answer or widget page with all its
    posts: read them in one statement. The first plugin answering for a post wins. Mark the
    implementation ``@hookimpl(optionalhook=True)`` so your plugin still loads without the
    delivery plugin.
    """
