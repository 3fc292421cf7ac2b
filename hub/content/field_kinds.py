"""What a declared field holds (:class:`ColumnKind`) and everything the hub knows about it
(:class:`Field`): how it is checked, stored, served and named. Plugins build fields with the
helpers of :mod:`hub.content.declarations` (``slug()``, ``short_text(200)``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ColumnKind(StrEnum):
    """What a field holds, which decides how it is checked, stored and served."""

    SLUG = "slug"
    SHORT_TEXT = "short_text"
    TEXT = "text"
    HTML = "html"
    LANGUAGE = "language"
    COUNTRY = "country"
    URL = "url"
    INT = "int"
    DATETIME = "datetime"
    ENUM = "enum"
    FOREIGN_KEY = "foreign_key"
    BOOLEAN = "boolean"
    DECIMAL = "decimal"
    TIME_ZONE = "time_zone"


#: Kinds stored as text: stripped of surrounding white space (HTML excepted) before checks.
TEXT_KINDS = frozenset(
    {
        ColumnKind.SLUG,
        ColumnKind.SHORT_TEXT,
        ColumnKind.TEXT,
        ColumnKind.HTML,
        ColumnKind.LANGUAGE,
        ColumnKind.COUNTRY,
        ColumnKind.URL,
        ColumnKind.TIME_ZONE,
    }
)


class _NoDefault:
    def __repr__(self) -> str:
        return "NO_DEFAULT"


#: A field without a default must be given when a record is created.
NO_DEFAULT: Any = _NoDefault()


@dataclass(frozen=True)
class Field:
    """One declared field. Build it with the helpers below (``slug()``, ``short_text(...)``)."""

    kind: ColumnKind
    #: The longest value, in characters (text kinds); the column's ``max_length``.
    max_length: int | None = None
    #: Must not be null or blank.
    required: bool = False
    #: Used when a new record leaves the field out (and for null in a field that is not
    #: nullable). ``NO_DEFAULT``: a new record must give it.
    default: Any = NO_DEFAULT
    #: The column may hold NULL.
    nullable: bool = False
    #: Never on a public GraphQL type (such as an internal note); see also ``on_type``.
    private: bool = False
    #: Served by the GraphQL type (``from_row`` reads it); ``False`` keeps it in the row only.
    on_type: bool = True
    #: Set only by the hub (``updated_at``): never in an input, an import or an export.
    read_only: bool = False
    #: For the filter and search steps to come (``docs/content-types.md``).
    filterable: bool = False
    searchable: bool = False
    unique: bool = False
    indexed: bool = False
    #: Text stored empty is served as null (an optional URL).
    blank_as_null: bool = False
    #: The GraphQL type's attribute for the value, when it differs from the name.
    attribute: str | None = None
    graphql_name: str | None = None
    description: str = ""
    #: Why the GraphQL field is deprecated and what to use instead; empty: it is not.
    deprecation: str = ""
    minimum: int | float | None = None
    maximum: int | float | None = None
    #: A 64-bit column (``BigIntField``): amounts in minor units may pass two billion.
    big: bool = False
    #: A rule of the declaring plugin's own for one value (an ISO 4217 currency code): raises
    #: ``ValueError`` with a message that reads after the field's name.
    check: Callable[[Any], None] | None = None
    #: A ``DATETIME`` is served in the time zone another field of the row names ("timezone"),
    #: so an event in Madrid reads ``+02:00``; it is still stored in UTC.
    local_to: str | None = None
    #: The values of an ``ENUM`` field.
    choices: type[StrEnum] | None = None
    #: The declared type a ``FOREIGN_KEY`` points at, by name ("Section").
    target: str | None = None
    #: A ``FOREIGN_KEY``'s Tortoise ``on_delete`` ("SET NULL", "CASCADE", "RESTRICT"); by
    #: default SET NULL when the field is nullable, else CASCADE.
    on_delete: str | None = None
    #: A ``FOREIGN_KEY``'s reverse relation on the target's model; by default the plural of
    #: the declaring type ("people" on a section).
    related_name: str | None = None
    #: The value may be given per language (a section's name in French): served in the
    #: language a query asks for, stored in the type's translation table
    #: (:mod:`hub.content.translation_models`). Text kinds only.
    translatable: bool = False
    #: Filled in by :class:`ContentType` from the key the field is declared under.
    name: str = ""

    @property
    def column(self) -> str:
        """The database column: a foreign key ``section`` is stored as ``section_id``."""
        return f"{self.name}_id" if self.kind is ColumnKind.FOREIGN_KEY else self.name

    @property
    def type_attribute(self) -> str:
        return self.attribute or self.column

    @property
    def label(self) -> str:
        """The field's GraphQL name: what a mutation's errors call it."""
        if self.graphql_name:
            return self.graphql_name
        head, *rest = self.name.split("_")
        return head + "".join(part.capitalize() for part in rest)

    @property
    def sql_type(self) -> str:
        """``int`` or ``text``, enough to line up the columns of a ``UNION ALL``."""
        if self.kind in (ColumnKind.INT, ColumnKind.FOREIGN_KEY):
            return "int"
        if self.kind is ColumnKind.DATETIME:
            return "datetime"
        if self.kind is ColumnKind.BOOLEAN:
            return "bool"
        if self.kind is ColumnKind.DECIMAL:
            return "float"
        return "text"
