"""Signed rendition URLs: only sizes the API handed out are made, so nobody can make the server
render (and store) arbitrary ones."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac

from hub import Settings, secret_key

# A key of its own, derived from HUB_SECRET_KEY: a rendition signature is never valid elsewhere.
PURPOSE = b"hub-media rendition urls"
SIGNATURE_LENGTH = 22


def _key(settings: Settings) -> bytes:
    return _derived(secret_key(settings))


@functools.lru_cache(maxsize=4)
def _derived(secret: bytes) -> bytes:
    # Once per secret, not once per URL: a page of posts signs dozens of srcset URLs.
    return hmac.new(secret, PURPOSE, hashlib.sha256).digest()


def sign(settings: Settings, path: str) -> str:
    digest = hmac.new(_key(settings), path.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:SIGNATURE_LENGTH]


def verify(settings: Settings, path: str, signature: str) -> bool:
    return hmac.compare_digest(sign(settings, path), signature)
