"""The one validation of content values, shared by the mutations and the importer.

Each declared field gets a checker, built once from its declaration: it turns an input value
into the value stored, or says what is wrong with it. :func:`check_values` runs the checkers of
the fields given and collects every problem, each naming its field, so a client sees all of them
at once. A message reads after the field's name ("is 301 characters long; the most is 300"):
a mutation shows it as ``title: is 301 ...``, an import as ``posts[3]: field "title": is 301 ...``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from functools import cache, lru_cache
from typing import Any

from hub.content.content_type import ContentType
from hub.content.field_kinds import NO_DEFAULT, TEXT_KINDS, ColumnKind, Field
from hub.content.sanitize import sanitize_html
from hub.content.validation import (
    check_country_code,
    check_language_tag,
    check_slug,
    check_time_zone,
    check_url,
)

#: The codes of :class:`hub.content.editing.ErrorCode` a problem can have.
REQUIRED, INVALID, TOO_LONG = "required", "invalid", "too_long"


@dataclass(frozen=True)
class Invalid:
    """What is wrong with one field's value."""

    field: str
    message: str
    code: str = INVALID


class Refusal(Exception):
    """Raised by a checker: the value cannot be stored, for this reason."""

    def __init__(self, message: str, code: str = INVALID) -> None:
        super().__init__(message)
        self.message, self.code = message, code


Checker = Callable[[Any], Any]


@lru_cache(maxsize=256)
def _language_problem(tag: str) -> str | None:
    # langcodes parsing is the slowest check by far and large files repeat a handful of tags.
    try:
        check_language_tag(tag)
    except ValueError as error:
        return str(error)
    return None


def _check_language(tag: str) -> None:
    problem = _language_problem(tag)
    if problem is not None:
        raise ValueError(problem)


#: Checks of the text kinds, on the stripped value.
_TEXT_CHECKS: Mapping[ColumnKind, Callable[[str], None]] = {
    ColumnKind.SLUG: check_slug,
    ColumnKind.LANGUAGE: _check_language,
    ColumnKind.COUNTRY: check_country_code,
    ColumnKind.URL: check_url,
    ColumnKind.TIME_ZONE: check_time_zone,
}


def _text_checker(spec: Field) -> Checker:
    check = _TEXT_CHECKS.get(spec.kind)
    upper = spec.kind is ColumnKind.COUNTRY
    sanitize = spec.kind is ColumnKind.HTML

    def checked(value: Any) -> Any:
        if not isinstance(value, str):
            raise Refusal(f"must be a string, not {type(value).__name__}")
        if "\x00" in value:
            raise Refusal("contains a NUL character")
        if not sanitize:  # HTML is kept as sent; the sanitiser decides its white space
            value = value.strip()
        if upper:
            value = value.upper()
        if spec.required and not value:
            raise Refusal("cannot be blank", REQUIRED)
        if spec.max_length is not None and len(value) > spec.max_length:
            raise Refusal(
                f"is {len(value)} characters long; the most is {spec.max_length}", TOO_LONG
            )
        # An optional field left blank is empty, not a malformed code (an online event's country).
        if check is not None and (value or spec.required):
            try:
                check(value)
            except ValueError as error:
                raise Refusal(str(error)) from None
        return sanitize_html(value) if sanitize else value

    return checked


def _int_checker(spec: Field) -> Checker:
    def checked(value: Any) -> Any:
        # bool is an int in Python, but `true` is never meant as a number.
        if not isinstance(value, int) or isinstance(value, bool):
            raise Refusal(f"must be a whole number, not {value!r}")
        too_small = spec.minimum is not None and value < spec.minimum
        if too_small or (spec.maximum is not None and value > spec.maximum):
            raise Refusal(f"is {value}; it must be from {spec.minimum} to {spec.maximum}")
        return value

    return checked


def _boolean_checker(spec: Field) -> Checker:
    def checked(value: Any) -> Any:
        # 0, 1, "yes" and "false" are what a spreadsheet would send; only true and false mean it.
        if not isinstance(value, bool):
            raise Refusal(f"must be true or false, not {value!r}")
        return value

    return checked


def _decimal_checker(spec: Field) -> Checker:
    def checked(value: Any) -> Any:
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise Refusal(f"must be a number, not {value!r}")
        if not math.isfinite(value):
            raise Refusal(f"must be a finite number, not {value!r}")
        too_small = spec.minimum is not None and value < spec.minimum
        if too_small or (spec.maximum is not None and value > spec.maximum):
            raise Refusal(f"is {value}; it must be from {spec.minimum} to {spec.maximum}")
        return float(value)

    return checked


def _datetime_checker(spec: Field) -> Checker:
    def checked(value: Any) -> Any:
        if isinstance(value, str):
            if not value.strip() and spec.nullable:
                return None
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                raise Refusal(f"{value!r} is not an ISO 8601 date and time") from None
        elif isinstance(value, datetime):
            moment = value
        else:
            raise Refusal(f"must be an ISO 8601 date and time, not {type(value).__name__}")
        if moment.tzinfo is None:
            # A mutation's DateTime arrives parsed: show it as the client wrote it.
            shown = moment.isoformat() if isinstance(value, datetime) else value
            raise Refusal(f"{shown!r} has no time zone (end it with Z or +hh:mm)")
        return moment.astimezone(UTC)

    return checked


def _enum_checker(spec: Field) -> Checker:
    choices: type[StrEnum] = spec.choices  # type: ignore[assignment]
    by_value = {member.value: member for member in choices}
    listed = ", ".join(by_value)

    def checked(value: Any) -> Any:
        member = by_value.get(value) if isinstance(value, str) else None
        if member is None:
            raise Refusal(f"{value!r} is not one of {listed}")
        return member

    return checked


def _reference_checker(spec: Field) -> Checker:
    # A reference in a record names its target by slug; the importer resolves it. (Mutations
    # take global IDs, checked by hub.content.edit_input.)
    def checked(value: Any) -> Any:
        if not isinstance(value, str):
            raise Refusal(f"must be the slug of a {spec.target}, not {value!r}")
        return value.strip() or None

    return checked


def _checker(spec: Field) -> Checker:
    if spec.kind in TEXT_KINDS:
        value_checker = _text_checker(spec)
    else:
        value_checker = {
            ColumnKind.INT: _int_checker,
            ColumnKind.BOOLEAN: _boolean_checker,
            ColumnKind.DECIMAL: _decimal_checker,
            ColumnKind.DATETIME: _datetime_checker,
            ColumnKind.ENUM: _enum_checker,
            ColumnKind.FOREIGN_KEY: _reference_checker,
        }[spec.kind](spec)
    fallback = None if spec.default is NO_DEFAULT else spec.default
    own_check = spec.check

    def checked(value: Any) -> Any:
        if value is None:
            if spec.nullable:
                return None
            if spec.required or spec.default is NO_DEFAULT:
                raise Refusal("cannot be null", REQUIRED)
            return fallback  # null in an optional field means "the default": empty text
        found = value_checker(value)
        if own_check is not None and found not in (None, ""):
            try:
                own_check(found)
            except ValueError as error:
                raise Refusal(str(error)) from None
        return found

    return checked


@cache
def checkers(content_type: ContentType) -> Mapping[str, Checker]:
    """The checker of each field an input may set, built once per type."""
    return {spec.name: _checker(spec) for spec in content_type.writable}


def check_values(
    content_type: ContentType, values: Mapping[str, Any], *, complete: bool
) -> tuple[dict[str, Any], list[Invalid]]:
    """The values to store for ``values`` (by field name), and every problem found.

    ``complete``: ``values`` is a whole new record (an import): fields left out take their
    default, those without one are reported missing, and the type's record checks run.
    Otherwise only the fields given are checked (a mutation's input).
    """
    found: dict[str, Any] = {}
    problems: list[Invalid] = []
    for name, check in checkers(content_type).items():
        if name in values:
            try:
                found[name] = check(values[name])
            except Refusal as refusal:
                problems.append(Invalid(name, refusal.message, refusal.code))
        elif complete:
            default = content_type.fields[name].default
            if default is NO_DEFAULT:
                problems.append(Invalid(name, "is required", REQUIRED))
            else:
                found[name] = default
    if complete:
        failed = {problem.field for problem in problems}
        for record_check in content_type.checks:
            for name, message in record_check(found):
                if name not in failed:
                    problems.append(Invalid(name, message, REQUIRED))
    return found, problems
