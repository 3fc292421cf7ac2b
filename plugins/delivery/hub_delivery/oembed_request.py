"""What an oEmbed request asks for beyond its URL: sizes and a language, checked.

Shared by the provider (``oembed``) and the resources it asks (``oembed_posts`` and other
plugins' resources, which read the checked language with :func:`requested_language`).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from hub import canonical_language_tag, check_language_tag

LANGUAGE_PARAMETER = "lang"


class BadOEmbedRequest(ValueError):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Size:
    width: int
    height: int

    def within(self, max_width: int | None, max_height: int | None) -> Size:
        return Size(
            min(self.width, max_width or self.width), min(self.height, max_height or self.height)
        )


def dimension(name: str, raw: str | None) -> int | None:
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or int(raw) == 0:
        raise BadOEmbedRequest(400, f"{name}={raw!r} must be a positive whole number of pixels")
    return int(raw)


def requested_language(request: Request) -> str | None:
    """The ``lang`` an oEmbed request asks for, checked and in canonical case; None without.

    :class:`BadOEmbedRequest` (400) for a malformed tag, naming the parameter.
    """
    raw = request.query_params.get(LANGUAGE_PARAMETER)
    if raw is None:
        return None
    try:
        check_language_tag(raw)
    except ValueError as error:
        raise BadOEmbedRequest(400, f"{LANGUAGE_PARAMETER}: {error}") from None
    return canonical_language_tag(raw)
