"""HTTP caching headers: strong ETags, ``If-None-Match`` and the headers of a cacheable answer."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

#: Fastly's limit for one Surrogate-Key header; past it, keys are cut at a space.
SURROGATE_KEY_LIMIT = 16_384
REPLACED = {b"cache-control", b"etag", b"surrogate-key", b"vary", b"age"}


def strong_etag(body: bytes) -> str:
    """Strong, because equal tags mean byte-for-byte equal bodies (RFC 9110 section 8.8.1)."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    # If-None-Match uses the weak comparison: W/"x" matches "x" (RFC 9110 section 13.1.2).
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


def surrogate_key_header(keys: Iterable[str]) -> bytes:
    # Type keys first (they are few and the ones purges rely on), then node keys.
    ordered = sorted(keys, key=lambda key: (":" in key, key))
    value = " ".join(ordered)
    if len(value) > SURROGATE_KEY_LIMIT:
        value = value[:SURROGATE_KEY_LIMIT].rpartition(" ")[0]
    return value.encode()


def cached_answer_headers(
    headers: Sequence[tuple[bytes, bytes]], etag: str, max_age: int, keys: Iterable[str]
) -> tuple[tuple[bytes, bytes], ...]:
    kept = [(k, v) for k, v in headers if k.lower() not in REPLACED]
    return (
        *kept,
        (b"cache-control", f"public, max-age={max_age}".encode()),
        (b"etag", etag.encode()),
        (b"surrogate-key", surrogate_key_header(keys)),
        # The media type of the answer follows Accept (application/graphql-response+json).
        (b"vary", b"Accept"),
    )
