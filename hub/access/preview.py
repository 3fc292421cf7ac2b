"""Preview links: a signed, expiring token that shows one post, draft or not, to whoever has it.

The token is ``<payload>.<signature>``: the payload says which post and until when, the
signature is an HMAC-SHA256 of it under ``HUB_SECRET_KEY``. Nothing is stored, so a link cannot
be revoked early; it is short-lived instead (a day by default, 30 days at most).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import orjson

from hub.access.secret import secret_key
from hub.errors import UserError
from hub.settings import Settings

#: Signed into every token, so a signature made for anything else never passes for a preview.
PURPOSE = b"hub.preview.post:"
DEFAULT_LIFETIME = timedelta(days=1)
MAX_LIFETIME = timedelta(days=30)


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(settings: Settings, payload: str) -> str:
    digest = hmac.new(secret_key(settings), PURPOSE + payload.encode(), hashlib.sha256).digest()
    return _encode(digest)


def sign_preview(settings: Settings, post_id: int, expires_at: datetime) -> str:
    payload = _encode(orjson.dumps({"post": post_id, "exp": int(expires_at.timestamp())}))
    return f"{payload}.{_signature(settings, payload)}"


def read_preview(settings: Settings, token: str, now: datetime) -> int:
    """The post id a valid token shows; a :class:`UserError` saying why otherwise."""
    payload, _, signature = token.partition(".")
    if not hmac.compare_digest(_signature(settings, payload), signature):
        raise UserError(
            "This preview link is not valid: it was altered, or signed with another key.",
            code="PREVIEW_INVALID",
            argument="token",
        )
    try:
        claims = orjson.loads(_decode(payload))
        post_id, expires = int(claims["post"]), datetime.fromtimestamp(claims["exp"], UTC)
    except (binascii.Error, ValueError, KeyError, TypeError):
        # Only a holder of the key could sign a malformed payload: treat it as invalid.
        raise UserError(
            "This preview link is not valid.", code="PREVIEW_INVALID", argument="token"
        ) from None
    if expires <= now:
        raise UserError(
            f"This preview link expired on {expires:%Y-%m-%d %H:%M} UTC: ask for a new one.",
            code="PREVIEW_EXPIRED",
            argument="token",
        )
    return post_id
