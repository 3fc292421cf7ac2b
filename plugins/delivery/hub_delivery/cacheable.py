"""Answers of the plugin's own routes (feeds, oEmbed) with the same caching as GraphQL GETs.

A strong ``ETag`` over the body, ``If-None-Match`` answered with 304, ``Cache-Control`` with the
delivery max-age and a ``Surrogate-Key`` naming the content, so a CDN purging ``Post`` or
``Post:12`` after a change drops these answers too.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.requests import Request
from starlette.responses import Response

from hub_delivery.http_cache import etag_matches, strong_etag, surrogate_key_header

#: Public content any page may fetch from the browser; no cookies or credentials are involved.
OPEN_TO_ALL_ORIGINS = {"Access-Control-Allow-Origin": "*"}


def cacheable_response(
    request: Request, body: bytes, media_type: str, max_age: int, keys: Iterable[str]
) -> Response:
    etag = strong_etag(body)
    headers = {
        "Cache-Control": f"public, max-age={max_age}",
        "ETag": etag,
        "Surrogate-Key": surrogate_key_header(keys).decode(),
        "X-Content-Type-Options": "nosniff",
        **OPEN_TO_ALL_ORIGINS,
    }
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None and etag_matches(if_none_match, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def problem(status: int, message: str) -> Response:
    """A client mistake, said in plain text; never cached."""
    return Response(
        message + "\n",
        status_code=status,
        media_type="text/plain; charset=utf-8",
        headers={"Cache-Control": "no-store", **OPEN_TO_ALL_ORIGINS},
    )
