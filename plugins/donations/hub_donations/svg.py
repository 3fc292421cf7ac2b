"""An embeddable, accessible progress bar: ``/donations/campaigns/{slug}/progress.svg``.

The image names its figures for screen readers (``role="img"``, ``aria-label`` and ``<title>``),
and is cacheable: an ETag over its bytes answers revalidation with 304, and ``max-age`` is short
because totals move.
"""

from __future__ import annotations

import hashlib
from html import escape

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from hub import Settings, check_slug
from hub_donations.currency import format_amount
from hub_donations.progress import Progress, load_progress, public_campaign_id
from hub_donations.settings import display_locale

MEDIA_TYPE = "image/svg+xml"
CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=300"
#: Campaign titles are editors' text; opened as a document rather than through <img>, the
#: image may still load, run or style nothing.
CONTENT_SECURITY_POLICY = "default-src 'none'"
WIDTH, HEIGHT, BAR_Y, BAR_HEIGHT = 400, 64, 34, 18
#: WCAG AA contrast on white for the text (#1a1a1a) and the filled bar against its track.
TEXT, FILL, TRACK = "#1a1a1a", "#0b6e4f", "#d9e2dc"


def summary(progress: Progress, locale: str) -> str:
    raised = format_amount(progress.raised, progress.currency, locale)
    goal = format_amount(progress.goal, progress.currency, locale)
    donors = f"{progress.donor_count} donor{'s' if progress.donor_count != 1 else ''}"
    return f"{raised} raised of {goal} ({progress.percent:g}%), {donors}"


def progress_svg(progress: Progress, locale: str) -> str:
    label = f"{progress.title}: {summary(progress, locale)}"
    filled = round(WIDTH * min(progress.raised, progress.goal) / progress.goal)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}">'
        f"<title>{escape(label)}</title>"
        f'<text x="0" y="14" font-family="system-ui, sans-serif" font-size="14" '
        f'font-weight="600" fill="{TEXT}">{escape(progress.title)}</text>'
        f'<text x="0" y="29" font-family="system-ui, sans-serif" font-size="12" '
        f'fill="{TEXT}">{escape(summary(progress, locale))}</text>'
        f'<rect x="0" y="{BAR_Y}" width="{WIDTH}" height="{BAR_HEIGHT}" rx="4" fill="{TRACK}"/>'
        f'<rect x="0" y="{BAR_Y}" width="{filled}" height="{BAR_HEIGHT}" rx="4" fill="{FILL}"/>'
        "</svg>"
    )


def svg_routes(settings: Settings) -> list[Route]:
    async def progress_image(request: Request) -> Response:
        slug = request.path_params["slug"]
        try:
            check_slug(slug)
        except ValueError as error:
            return PlainTextResponse(f"No campaign has that address: {error}.", status_code=404)
        campaign_id = await public_campaign_id(slug)
        progress = await load_progress(campaign_id) if campaign_id is not None else None
        if progress is None:
            return PlainTextResponse(f"No campaign has the slug {slug!r}.", status_code=404)
        body = progress_svg(progress, display_locale(settings)).encode()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers = {
            "etag": etag,
            "cache-control": CACHE_CONTROL,
            "content-security-policy": CONTENT_SECURITY_POLICY,
        }
        wanted = {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}
        if etag in wanted or f"W/{etag}" in wanted or "*" in wanted:
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=MEDIA_TYPE, headers=headers)

    return [
        Route(
            "/donations/campaigns/{slug}/progress.svg",
            progress_image,
            methods=["GET"],
            name="donations_progress_svg",
        )
    ]
