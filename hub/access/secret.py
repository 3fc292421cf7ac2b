"""``HUB_SECRET_KEY``: the key preview links are signed with.

Without it the hub starts anyway, with a random key and a warning. A missing key cannot make a
link forgeable (the random key is as strong as a configured one); it only makes links die at
the next restart and fail across workers. Refusing to start would break ``make run`` on a fresh
clone for a feature most sites use rarely, so the warning says exactly what to set instead.
"""

from __future__ import annotations

import functools
import logging
import secrets
from typing import Any

from hub.settings import Setting, Settings

logger = logging.getLogger("hub.access")

SECRET_KEY = "HUB_SECRET_KEY"
MIN_SECRET_LENGTH = 32


def _check_secret(value: str) -> None:
    if value and len(value) < MIN_SECRET_LENGTH:
        raise ValueError(
            f"use at least {MIN_SECRET_LENGTH} random characters, such as the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
        )


SETTINGS: tuple[Setting[Any], ...] = (
    Setting(
        SECRET_KEY,
        str,
        "",
        "Key that signs preview links and plugins' signed URLs, such as image renditions (32+ "
        "random characters). Unset: a random key per process, so links die on restart and fail "
        "across workers.",
        _check_secret,
    ),
)


@functools.cache
def _process_key() -> bytes:
    return secrets.token_bytes(32)


def secret_key(settings: Settings) -> bytes:
    configured: str = settings.get(SECRET_KEY)
    return configured.encode() if configured else _process_key()


def warn_when_missing(settings: Settings) -> None:
    if not settings.get(SECRET_KEY):
        logger.warning(
            "%s is not set: preview links are signed with a random key that changes at every "
            "start and differs between workers. Set it to 32+ random characters in production.",
            SECRET_KEY,
        )
