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
import re
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import KW_ONLY, dataclass, field, replace
from enum import StrEnum
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

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


@dataclass(frozen=True)
class Link:
    """A list of another declared type's objects, stored in a link table ``(post_id, x_id)``."""

    target: str
    #: A hand-written link model; left out, ``link_models`` builds it (``model_building``).
    through_class: type[Model] | None = None
    #: Authors are credited in order (a ``position`` column); themes have no order.
    ordered: bool = False
    description: str = ""
    #: The per-request DataLoader serving the list (``post_authors``).
    loader: str = ""
    #: The built link model's class name; default ``<Owner><Target>`` (``PostTheme``).
    model_name: str = ""
    #: Its table; default ``<owner's table>_<target, lowercase>`` (``hub_post_theme``).
    table: str = ""
    #: The reverse relations on the owner's and the target's models; default
    #: ``<model name without the owner>_links`` (``theme_links``) and ``<owner>_links``.
    related_name: str = ""
    target_related_name: str = ""
    #: The link table's comment in the database.
    table_description: str = ""
    name: str = ""
    #: The declaring type's name, filled in by :class:`ContentType`.
    owner: str = ""

    @property
    def through(self) -> type[Model]:
        """The link table's model (built from the declaration unless written by hand)."""
        if self.through_class is None:
            raise LookupError(
                f"{self.owner}.{self.name}: the link model is not built yet; "
                "build it with hub.model_for (hub.content.model_building)"
            )
        return self.through_class

    @property
    def column(self) -> str:
        """The link table's column holding the target's id: ``person_id`` for ``Person``."""
        return f"{self.target.lower()}_id"

    @property
    def owner_column(self) -> str:
        """The link table's column holding the declaring object's id (``campaign_id``)."""
        return f"{self.owner.lower()}_id"


#: The actions every type's events are named with: ``<label>.changed`` after a create or an
#: update, ``<label>.deleted`` after a delete.
CHANGED, DELETED = "changed", "deleted"
_ACTION = re.compile(r"[a-z][a-z0-9_]*")


def snake_case(name: str) -> str:
    """``SectionLocation`` -> ``section_location``: a type's name in event names."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


#: A rule over several fields of one record: yields (field name, message) for each problem.
RecordCheck = Callable[[Mapping[str, Any]], Iterator[tuple[str, str]]]

#: Runs in the edit's transaction on the row as it is (with its link lists as ids), before the
#: change: raises ``UserError`` (``FORBIDDEN``) or ``Refused`` to stop it. ``(context, row)``.
EditGuard = Callable[[Any, Mapping[str, Any]], Awaitable[None]]
#: Adjusts the link lists of a new object before it is written (``(context, links)``).
CreateHook = Callable[[Any, dict[str, list[int]]], None]


@dataclass(frozen=True)
class Editing:
    """The mutations a type gets: ``create<Name>``, ``update<Name>``, ``delete<Name>``.

    A client needs one of ``scopes``. With ``lifecycle``, the type's ``status`` (an
    ``enum(PostStatus)`` field) and ``published_at`` are set by ``publish<Name>``,
    ``unpublish<Name>`` and ``schedule<Name>`` (under ``publish_scopes``), never by the inputs.
    """

    scopes: tuple[str, ...]
    lifecycle: bool = False
    publish_scopes: tuple[str, ...] = ()
    #: Checked before an update or a delete (``EditGuard``).
    guard: EditGuard | None = None
    on_create: CreateHook | None = None
    #: Descriptions by action (``"create"``, ...) where "Create a petition." says too little.
    descriptions: Mapping[str, str] = field(default_factory=dict)

    def describe(self, action: str, label: str) -> str:
        verb = {"create": "Create", "update": "Change", "delete": "Delete"}[action]
        return self.descriptions.get(action, f"{verb} a {label}.")


@dataclass(frozen=True, eq=False)  # one object per type: compared and hashed by identity
class ContentType:
    """Everything about one type of content, read by every part of the hub that handles it."""

    name: str
    #: A hand-written Tortoise model; left out, ``model_for`` builds it from the declaration
    #: (``hub.content.model_building``). Read it as :attr:`model`.
    model_class: type[Model] | None = None
    _: KW_ONLY
    #: The key of its records in an import file ("people").
    plural: str
    fields: Mapping[str, Field]
    links: Mapping[str, Link] = field(default_factory=dict)
    description: str = ""
    #: The model's table; default ``<app>_<name, lowercase>`` (``hub_post``).
    table: str = ""
    #: Indexes over several columns, such as ``(("published_at", "id"),)``.
    indexes: tuple[tuple[str, ...], ...] = ()
    #: A ``version`` column that goes up with every change (optimistic concurrency).
    versioned: bool = True
    #: ``created_at``/``updated_at`` columns kept by the hub.
    timestamped: bool = True
    #: Rules over several fields, checked on complete records (imports).
    checks: tuple[RecordCheck, ...] = ()
    #: Actions of the type's own, beside ``changed`` and ``deleted``: a petition is
    #: ``("signed",)``, so ``petition.signed`` is one of its events (``event("signed")``).
    actions: tuple[str, ...] = ()
    #: The action a create or an update is told as: ``changed``, or a name kept for
    #: subscribers of old (posts send ``post.updated``).
    changed_action: str = CHANGED
    #: A foreign key naming the object this one is part of and shown on (a section's map
    #: location is part of its section): records are keyed by it rather than by a slug, and
    #: events carry that object's id and slug, so caches forget the answers that showed it.
    part_of: str | None = None
    #: The per-request DataLoader loading objects by id (None for those the asker may not
    #: see); search and node lookups load through it. Default: ``<event_label>_by_id``.
    by_id_loader: str = ""
    #: The type's mutations and who may call them; ``None``: not editable through the API.
    editing: Editing | None = field(default=None, kw_only=True)

    def __post_init__(self) -> None:
        named = {name: replace(spec, name=name) for name, spec in self.fields.items()}
        for name in (*named, *self.links):
            if not name.isidentifier() or keyword.iskeyword(name):
                raise ValueError(f"{self.name}: {name!r} is not a valid field name")
        for action in (*self.actions, self.changed_action):
            if not _ACTION.fullmatch(action):
                raise ValueError(
                    f"{self.name}: action {action!r} must be lowercase letters, digits and "
                    "underscores, such as signed"
                )
        for spec in named.values():
            zone = named.get(spec.local_to) if spec.local_to else None
            if spec.local_to is not None and (
                zone is None or zone.kind is not ColumnKind.TIME_ZONE
            ):
                raise ValueError(
                    f"{self.name}: {spec.name} is local_to {spec.local_to!r}, not a time_zone field"
                )
        if self.part_of is not None and (
            self.part_of not in named or named[self.part_of].kind is not ColumnKind.FOREIGN_KEY
        ):
            raise ValueError(f"{self.name}: part_of {self.part_of!r} must name a foreign_key field")
        if "slug" not in named and self.part_of is None:
            raise ValueError(f"{self.name}: declare a slug() field, or part_of a foreign key")
        object.__setattr__(self, "fields", named)
        object.__setattr__(
            self,
            "links",
            {name: replace(link, name=name, owner=self.name) for name, link in self.links.items()},
        )

    @property
    def model(self) -> type[Model]:
        """The type's Tortoise model."""
        if self.model_class is None:
            raise LookupError(
                f"{self.name}: the model is not built yet; build it with hub.model_for "
                "in the plugin's models module (hub.content.model_building)"
            )
        return self.model_class

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def loader(self) -> str:
        """The DataLoader loading objects by id: ``post_by_id`` unless declared otherwise."""
        return self.by_id_loader or f"{self.event_label}_by_id"

    @property
    def event_label(self) -> str:
        """The first half of the type's event names: ``section_location`` of ``SectionLocation``."""
        return snake_case(self.name)

    @property
    def key(self) -> str:
        """The field naming a record in files: ``slug``, or the ``part_of`` foreign key."""
        return self.part_of or "slug"

    @property
    def owner_type(self) -> str | None:
        """The declared type this one is part of (``Section`` for a map location), if any."""
        return self.fields[self.part_of].target if self.part_of else None

    @property
    def event_actions(self) -> tuple[str, ...]:
        """Every action the type's events are named with."""
        return tuple(dict.fromkeys((self.changed_action, DELETED, *self.actions)))

    def event(self, action: str) -> EventKind:
        """The event named by this type and ``action``: ``EVENT.event("changed")`` is
        ``event.changed``. An action the type does not declare is a ``ValueError``."""
        if action == CHANGED:
            action = self.changed_action
        if action not in self.event_actions:
            raise ValueError(
                f"{self.name} declares no action {action!r}; its actions: "
                f"{', '.join(self.event_actions)}"
            )
        return EventKind(f"{self.event_label}.{action}")

    @property
    def changed_event(self) -> EventKind:
        """Sent after a create or an update."""
        return self.event(self.changed_action)

    @property
    def deleted_event(self) -> EventKind:
        """Sent after a delete."""
        return self.event(DELETED)

    @property
    def row_columns(self) -> tuple[str, ...]:
        """Every column a row of this type is read with: by loaders, editing and the audit."""
        return ("id", "public_id", *(spec.column for spec in self.fields.values()))

    @property
    def type_fields(self) -> tuple[Field, ...]:
        """The fields the GraphQL type carries (``from_row`` reads them)."""
        return tuple(spec for spec in self.fields.values() if spec.on_type and not spec.private)

    @property
    def union_columns(self) -> tuple[str, ...]:
        """The type's columns lined up by SQL type (id, public id, text..., int...) for a
        ``UNION ALL``: the public id is a ``uuid`` on PostgreSQL, so it has a place of its own."""
        fields = self.type_fields
        texts = [spec.column for spec in fields if spec.sql_type == "text"]
        numbers = [spec.column for spec in fields if spec.sql_type == "int"]
        if len(texts) + len(numbers) != len(fields):
            raise ValueError(f"{self.name}: only text and int columns can be related by a union")
        return ("id", "public_id", *texts, *numbers)

    @property
    def writable(self) -> tuple[Field, ...]:
        """Fields an input or an import record may set."""
        return tuple(spec for spec in self.fields.values() if not spec.read_only)


def row_reader(content_type: ContentType, make: Callable[..., T]) -> RowReader[T]:
    """``make(id=row["id"], public_id=row["public_id"], slug=row["slug"], ...)`` for the
    type's fields, as one function (``public_id`` makes the object's global ID).

    Generated once per type, as :mod:`dataclasses` generates ``__init__``: a loop over field
    objects for each row would cost the hot read path more than reading the row.
    """
    arguments = ['id=row["id"]', 'public_id=row["public_id"]']
    for spec in content_type.type_fields:
        value = f"row[{spec.column!r}]"
        if spec.blank_as_null:
            value += " or None"
        if spec.local_to is not None:
            zone = f"zone(row[{content_type.fields[spec.local_to].column!r}])"
            value = f"{value}.astimezone({zone})"
            if spec.nullable:
                value = f"({value} if row[{spec.column!r}] is not None else None)"
        arguments.append(f"{spec.type_attribute}={value}")
    name = f"{content_type.label}_from_row"
    source = f"def {name}(row):\n    return make({', '.join(arguments)})\n"
    namespace: dict[str, Any] = {"make": make, "zone": ZoneInfo}
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
