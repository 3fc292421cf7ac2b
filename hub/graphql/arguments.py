"""Checking a client's arguments before they reach the database.

Tortoise runs a field's validators on the values a query filters by, so a malformed slug in a
lookup (``post(slug: "BAD SLUG")``) would fail deep inside the ORM as a server error. Every
lookup and filter checks its argument here first, with the same rules the models and mutations
use (:mod:`hub.content.validation`): a malformed value is the client's mistake, a
``BAD_USER_INPUT`` error naming the argument; a well-formed one that matches nothing is not an
error at all (the lookup answers null, the list is empty).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from hub.content.validation import check_country_code, check_language_tag, check_slug
from hub.errors import UserError

T = TypeVar("T")


def checked_argument(argument: str, value: T, check: Callable[[T], object]) -> T:
    """``value`` when ``check`` accepts it; a ``BAD_USER_INPUT`` error naming ``argument`` if not.

    ``check`` raises ``ValueError`` with a message for the client (as the ``check_*`` rules do).
    ``argument`` is the name the client wrote, dotted into inputs: ``slug``, ``filter.theme``.
    """
    try:
        check(value)
    except ValueError as error:
        raise UserError(f"{argument}: {error}", argument=argument) from None
    return value


def slug_argument(argument: str, slug: str) -> str:
    """A slug to look up or filter by: lowercase letters, digits and single hyphens."""
    return checked_argument(argument, slug, check_slug)


def language_argument(argument: str, tag: str) -> str:
    """A BCP 47 language tag, such as ``en`` or ``pt-BR``."""
    return checked_argument(argument, tag, check_language_tag)


def country_argument(argument: str, code: str) -> str:
    """An ISO 3166-1 alpha-2 country code in upper case; ``de`` is read as ``DE``."""
    return checked_argument(argument, code.strip().upper(), check_country_code)
