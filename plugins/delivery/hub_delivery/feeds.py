"""``/feeds/posts.rss``, ``.atom`` and ``.json``: public posts as feeds, filtered like GraphQL.

Parameters: ``theme``, ``section``, ``author`` (slugs), ``language`` (posts written in exactly
that tag), ``lang`` (the feed in a language, with its fallback chain: see ``feed_query``),
``published_after``, ``published_before`` (ISO 8601) and ``limit`` (1 to 100, default 20).
Newest first.

Every answer links to the same feed in each other language its content exists in (``lang``
set, ``language`` dropped), and a feed in a language to the feed of every language as
``x-default``. Caches tell the languages apart by URL: ``lang`` is in the query
string that Varnish, CDNs and browsers key on, and the ETag is the body's hash, whose
declared language and self link differ.
"""

from __future__ import annotations

from dataclasses import replace

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from hub import Context, Settings
from hub_delivery import settings as delivery_settings
from hub_delivery.cacheable import cacheable_response, problem
from hub_delivery.feed_formats import FORMATS, AlternateFeed, FeedInfo
from hub_delivery.feed_query import (
    BadFeedRequest,
    UnknownSubject,
    feed_content,
    named_subjects,
    parse_feed_request,
)
from hub_delivery.post_images import post_images
from hub_delivery.public_urls import X_DEFAULT, PublicUrls

FEED_PATH = "/feeds/posts.{extension}"
FEEDS_OFF = (
    f"feeds are off: set {delivery_settings.POST_URL} to the public URL of a post, with "
    "{slug} (such as https://example.org/news/{slug}), so feed items have a page to link to"
)


def alternate_feeds(
    request: Request, languages: tuple[str, ...], current: str | None
) -> tuple[AlternateFeed, ...]:
    """This feed's URL in each of ``languages`` but its own (``lang`` set, ``language`` gone),
    then, for a feed in a language, ``x-default``: the same feed without ``lang`` or
    ``language``, for readers whose language none of them is (Google's fallback value)."""
    base = request.url.remove_query_params("language")
    found = [
        AlternateFeed(tag, str(base.include_query_params(lang=tag)))
        for tag in languages
        if tag != current
    ]
    if {"lang", "language"} & set(request.query_params):
        found.append(AlternateFeed(X_DEFAULT, str(base.remove_query_params("lang"))))
    return tuple(found)


async def feeds_off(request: Request) -> Response:
    return problem(404, FEEDS_OFF)


def feed_routes(settings: Settings) -> list[BaseRoute]:
    urls = PublicUrls.from_settings(settings)
    if not urls.has_posts:
        # Without the public post URL, feed items would have nowhere to link to: say so, rather
        # than a bare 404 that looks like a wrong address.
        return [Route(FEED_PATH, feeds_off, methods=["GET"], name="delivery_posts_feed")]
    max_age = delivery_settings.max_age(settings)
    title = delivery_settings.feed_title(settings)

    async def posts_feed(request: Request) -> Response:
        feed_format = FORMATS.get(request.path_params["extension"])
        if feed_format is None:
            return problem(404, f"no such feed format; use one of {', '.join(sorted(FORMATS))}")
        try:
            wanted = await named_subjects(
                parse_feed_request(request.query_params),
                request.app.state.hub.content_types,
                settings.default_language,
            )
        except BadFeedRequest as error:
            return problem(400, str(error))
        except UnknownSubject as error:
            return problem(404, str(error))
        # No actor: feeds are anonymous, so only public posts are ever in them.
        context = Context(settings, request.app.state.hub.plugin_manager, {}, request=request)
        content = await feed_content(context, wanted)
        images = await post_images(request, [post.id for post in content.posts])
        posts = [replace(post, image=images.get(post.id)) for post in content.posts]
        info = FeedInfo(
            title=" — ".join((title, *wanted.subjects)),
            feed_url=str(request.url),
            updated=max((max(p.updated_at, p.published_at) for p in posts), default=context.now),
            language=wanted.lang,
            alternates=alternate_feeds(request, content.languages, wanted.lang),
        )
        body = feed_format.render(info, posts, urls)
        keys = ["Post", *(f"Post:{post.id}" for post in posts)]
        return cacheable_response(request, body, feed_format.media_type, max_age, keys)

    return [Route(FEED_PATH, posts_feed, methods=["GET"], name="delivery_posts_feed")]
