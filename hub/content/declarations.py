"""Content types, declared once: each field with everything the hub needs to know about it.

A :class:`ContentType` names its Tortoise model and declares its fields (``slug()``,
``short_text(200, required=True)``, ``foreign_key("Section")``, ...) and its link lists
(``links("Person", PostAuthor, ordered=True)``). The hub derives from it what used to be
written again in every part: the columns loaders read, ``from_row`` of the GraphQL type
(:func:`row_reader`), the columns of the post relations' ``UNION ALL``, the one validation
shared by mutations and the importer (:mod:`hub.content.checking`), the editing rules and the
import/export records. ``docs/content-types.md`` says what is derived today and what comes next.

Names are the columns' (snake_case); a field's GraphQL name is its camelCase unless given.

This module is what plugin authors declare with (``hub.declare``): the field helpers below, and
the parts, each in a module of its own: :mod:`~hub.content.field_kinds` (``Field``),
:mod:`~hub.content.link_lists` (``Link``), :mod:`~hub.content.editing_options` (``Editing``),
:mod:`~hub.content.content_type` (``ContentType``), :mod:`~hub.content.row_readers`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise.models import Model

from hub.content.content_type import CHANGED, DELETED, ContentType, RecordCheck, snake_case
from hub.content.editing_options import CreateHook, EditGuard, Editing
from hub.content.field_kinds import NO_DEFAULT, TEXT_KINDS, ColumnKind, Field
from hub.content.link_lists import Link
from hub.content.row_readers import RowReader, row_reader

__all__ = [
    "CHANGED",
    "DELETED",
    "NO_DEFAULT",
    "TEXT_KINDS",
    "ColumnKind",
    "ContentType",
    "CreateHook",
    "EditGuard",
    "Editing",
    "Field",
    "Link",
    "RecordCheck",
    "RowReader",
    "boolean",
    "country_code",
    "datetime_field",
    "decimal",
    "enum",
    "foreign_key",
    "html",
    "integer",
    "language_tag",
    "links",
    "row_reader",
    "short_text",
    "slug",
    "snake_case",
    "text",
    "time_zone",
    "url",
]


# --- the field helpers plugin authors declare with ---------------------------------------------


def slug(**options: Any) -> Field:
    """The object's unique name in URLs: lowercase letters, digits and single hyphens."""
    return Field(
        ColumnKind.SLUG, **{"max_length": 120, "required": True, "unique": True, **options}
    )


def _text_options(options: dict[str, Any]) -> dict[str, Any]:
    # Optional text is empty when left out; required text has no default: it must be given.
    return options if options.get("required") else {"default": "", **options}


def short_text(max_length: int, **options: Any) -> Field:
    """One line of text, at most ``max_length`` characters."""
    return Field(ColumnKind.SHORT_TEXT, max_length=max_length, **_text_options(options))


def text(**options: Any) -> Field:
    """Text of any length (a description, a bio)."""
    return Field(ColumnKind.TEXT, **_text_options(options))


def html(**options: Any) -> Field:
    """HTML sanitised on the way in (nh3): what is stored is what is served."""
    return Field(ColumnKind.HTML, **_text_options(options))


def language_tag(**options: Any) -> Field:
    """A BCP 47 language tag, such as ``en`` or ``pt-BR``."""
    return Field(ColumnKind.LANGUAGE, **{"max_length": 35, "required": True, **options})


def country_code(**options: Any) -> Field:
    """An ISO 3166-1 alpha-2 code; lowercase input is upper-cased."""
    return Field(ColumnKind.COUNTRY, **{"max_length": 2, "required": True, **options})


def url(max_length: int = 500, **options: Any) -> Field:
    """An http(s) URL, or empty (served as null)."""
    return Field(
        ColumnKind.URL, max_length=max_length, **{"default": "", "blank_as_null": True, **options}
    )


def integer(**options: Any) -> Field:
    return Field(ColumnKind.INT, **options)


def datetime_field(**options: Any) -> Field:
    """A moment with a time zone, stored in UTC."""
    return Field(ColumnKind.DATETIME, **options)


def boolean(**options: Any) -> Field:
    """True or false (never a number or a string): an all-day event, an anonymous gift."""
    return Field(ColumnKind.BOOLEAN, **{"default": False, **options})


def decimal(**options: Any) -> Field:
    """A number with a fraction, within ``minimum``/``maximum``: a latitude, a longitude."""
    return Field(ColumnKind.DECIMAL, **options)


def time_zone(**options: Any) -> Field:
    """An IANA time zone name, such as ``Europe/Madrid``."""
    return Field(
        ColumnKind.TIME_ZONE, **{"max_length": 64, "required": True, "default": "UTC", **options}
    )


def enum(choices: type[StrEnum], **options: Any) -> Field:
    return Field(ColumnKind.ENUM, choices=choices, **{"max_length": 16, **options})


def foreign_key(target: str, **options: Any) -> Field:
    """A reference to one object of the declared type ``target`` (by slug in files)."""
    return Field(
        ColumnKind.FOREIGN_KEY, target=target, **{"nullable": True, "default": None, **options}
    )


def links(target: str, through: type[Model] | None = None, **options: Any) -> Link:
    """A list of objects of the declared type ``target``, in a link table built by
    ``model_for`` (or through the hand-written link model ``through``)."""
    return Link(target, through, **options)
