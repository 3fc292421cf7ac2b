"""Content types, declared once: each field with everything the hub needs to know about it.

A :class:`ContentType` names its Tortoise model and declares its fields (``slug()``,
``short_text(200, required=True)``, ``foreign_key("Section")``, ...) and its link lists
(``links("Person", PostAuthor, ordered=True)``). The hub derives from it what used to be
written again in every part: the columns loaders read, ``from_row`` of the GraphQL type
(:func:`row_reader`), the columns of the post relations' ``UNION ALL``, the one validation
shared by mutations and the importer (:mod:`hub.content.checking`), the editing rules and the
import/export records. ``docs/content-types.md`` says what is derived today and what comes next.

Names are the columns' (snake_case); a field's GraphQL name is its camelCase unless given.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, TypeVar

from tortoise.models import Model

from hub.events import EventKind

T = TypeVar("T")

#: Makes a GraphQL object from a row of ``.values(*row_columns)``.
RowReader = Callable[[dict[str, Any]], T]


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
    minimum: int | None = None
    maximum: int | None = None
    #: The values of an ``ENUM`` field.
    choices: type[StrEnum] | None = None
    #: The declared type a ``FOREIGN_KEY`` points at, by name ("Section").
    target: str | None = None
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
        return "text"


@dataclass(frozen=True)
class Link:
    """A list of another declared type's objects, stored in a link table ``(post_id, x_id)``."""

    target: str
    #: The link table's model.
    through: type[Model]
    #: Authors are credited in order (a ``position`` column); themes have no order.
    ordered: bool = False
    description: str = ""
    #: The per-request DataLoader serving the list (``post_authors``).
    loader: str = ""
    name: str = ""

    @property
    def column(self) -> str:
        """The link table's column holding the target's id: ``person_id`` for ``Person``."""
        return f"{self.target.lower()}_id"

    @property
    def owner_column(self) -> str:
        return "post_id"


#: A rule over several fields of one record: yields (field name, message) for each problem.
RecordCheck = Callable[[Mapping[str, Any]], Iterator[tuple[str, str]]]


@dataclass(frozen=True, eq=False)  # one object per type: compared and hashed by identity
class ContentType:
    """Everything about one type of content, read by every part of the hub that handles it."""

    name: str
    model: type[Model]
    #: The key of its records in an import file ("people").
    plural: str
    fields: Mapping[str, Field]
    links: Mapping[str, Link] = field(default_factory=dict)
    description: str = ""
    #: ``created_at``/``updated_at`` columns kept by the hub.
    timestamped: bool = True
    #: Content events sent after a change and after a delete.
    changed_event: EventKind = field(kw_only=True)
    deleted_event: EventKind = field(kw_only=True)
    #: Rules over several fields, checked on complete records (imports).
    checks: tuple[RecordCheck, ...] = ()

    def __post_init__(self) -> None:
        named = {name: replace(spec, name=name) for name, spec in self.fields.items()}
        for name in (*named, *self.links):
            if not name.isidentifier() or keyword.iskeyword(name):
                raise ValueError(f"{self.name}: {name!r} is not a valid field name")
        object.__setattr__(self, "fields", named)
        object.__setattr__(
            self,
            "links",
            {name: replace(link, name=name) for name, link in self.links.items()},
        )

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def row_columns(self) -> tuple[str, ...]:
        """Every column a row of this type is read with: by loaders, editing and the audit."""
        return ("id", *(spec.column for spec in self.fields.values()))

    @property
    def type_fields(self) -> tuple[Field, ...]:
        """The fields the GraphQL type carries (``from_row`` reads them)."""
        return tuple(spec for spec in self.fields.values() if spec.on_type and not spec.private)

    @property
    def union_columns(self) -> tuple[str, ...]:
        """The type's columns lined up by SQL type (id, text..., int...) for a ``UNION ALL``."""
        fields = self.type_fields
        texts = [spec.column for spec in fields if spec.sql_type == "text"]
        numbers = [spec.column for spec in fields if spec.sql_type == "int"]
        if len(texts) + len(numbers) != len(fields):
            raise ValueError(f"{self.name}: only text and int columns can be related by a union")
        return ("id", *texts, *numbers)

    @property
    def writable(self) -> tuple[Field, ...]:
        """Fields an input or an import record may set."""
        return tuple(spec for spec in self.fields.values() if not spec.read_only)


def row_reader(content_type: ContentType, make: Callable[..., T]) -> RowReader[T]:
    """``make(id=row["id"], slug=row["slug"], ...)`` for the type's fields, as one function.

    Generated once per type, as :mod:`dataclasses` generates ``__init__``: a loop over field
    objects for each row would cost the hot read path more than reading the row.
    """
    arguments = ['id=row["id"]']
    for spec in content_type.type_fields:
        value = f"row[{spec.column!r}]"
        if spec.blank_as_null:
            value += " or None"
        arguments.append(f"{spec.type_attribute}={value}")
    name = f"{content_type.label}_from_row"
    source = f"def {name}(row):\n    return make({', '.join(arguments)})\n"
    namespace: dict[str, Any] = {"make": make}
    exec(compile(source, f"<{content_type.name} row reader>", "exec"), namespace)
    reader: RowReader[T] = namespace[name]
    return reader


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


def enum(choices: type[StrEnum], **options: Any) -> Field:
    return Field(ColumnKind.ENUM, choices=choices, **{"max_length": 16, **options})


def foreign_key(target: str, **options: Any) -> Field:
    """A reference to one object of the declared type ``target`` (by slug in files)."""
    return Field(
        ColumnKind.FOREIGN_KEY, target=target, **{"nullable": True, "default": None, **options}
    )


def links(target: str, through: type[Model], **options: Any) -> Link:
    """A list of objects of the declared type ``target``, through the link model ``through``."""
    return Link(target, through, **options)
