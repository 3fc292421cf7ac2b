"""Responses that caches and partner sites can keep: a strong ETag and ``304 Not Modified``."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response


def strong_etag(body: bytes) -> str:
    """Strong, because equal tags mean byte-for-byte equal bodies (RFC 9110 section 8.8.1)."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _matches(if_none_match: str, etag: str) -> bool:
    # If-None-Match uses the weak comparison: W/"x" matches "x" (RFC 9110 section 13.1.2).
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


def cacheable_response(
    request: Request,
    body: bytes,
    media_type: str,
    max_age: int,
    headers: Mapping[str, str] | None = None,
) -> Response:
    etag = strong_etag(body)
    common = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={max_age}",
        **(headers or {}),
    }
    if _matches(request.headers.get("if-none-match", ""), etag):
        return Response(status_code=304, headers=common)
    return Response(body, media_type=media_type, headers=common)
