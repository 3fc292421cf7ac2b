"""The ``Hub-Signature`` header: ``t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">``.

The scheme Stripe uses: the timestamp is signed with the body, so a receiver that refuses old
timestamps also refuses a captured request replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "Hub-Signature"
#: How old a timestamp :func:`verify_signature` accepts by default, in seconds.
TOLERANCE = 300


def signature(secret: str, body: bytes, timestamp: int) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={signature(secret, body, timestamp)}"


def verify_signature(
    secret: str, body: bytes, header: str, tolerance: int = TOLERANCE, now: float | None = None
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret``, within ``tolerance`` seconds of now."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    return hmac.compare_digest(parts.get("v1", ""), signature(secret, body, timestamp))
