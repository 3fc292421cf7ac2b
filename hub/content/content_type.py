"""The declaration of one type of content (:class:`ContentType`): its fields, link lists,
table, events and editing, checked when it is made and read by every part of the hub that
handles the type."""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import KW_ONLY, dataclass, field, replace
from typing import Any

from tortoise.models import Model

from hub.content.editing_options import Editing
from hub.content.field_kinds import ColumnKind, Field
from hub.content.link_lists import Link
from hub.events import EventKind

#: The actions every type's events are named with: ``<label>.changed`` after a create or an
#: update, ``<label>.deleted`` after a delete.
CHANGED, DELETED = "changed", "deleted"
_ACTION = re.compile(r"[a-z][a-z0-9_]*")


def snake_case(name: str) -> str:
    """``SectionLocation`` -> ``section_location``: a type's name in event names."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


#: Kinds a field may be ``translatable`` in: free text.
TRANSLATABLE_KINDS = frozenset({ColumnKind.SHORT_TEXT, ColumnKind.TEXT, ColumnKind.HTML})
#: The field a type with ``linked_translations`` gets: the key its translations share. Null
#: (or empty): the object has no translation. Set by the hub's link mutations and by imports,
#: never by create and update inputs; not served (``Post.translations`` is).
TRANSLATION_GROUP = "translation_group"


def _group_key(value: str) -> None:
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", value):
        raise ValueError(
            f"{value!r} is not a translation group key: use lowercase letters, digits and "
            "single hyphens (a UUID, or a name such as annual-report-2024)"
        )


TRANSLATION_GROUP_FIELD = Field(
    ColumnKind.SHORT_TEXT,
    max_length=120,
    check=_group_key,
    nullable=True,
    default=None,
    private=True,
    indexed=True,
    description="Objects sharing this key are translations of each other.",
)

#: A rule over several fields of one record: yields (field name, message) for each problem.
RecordCheck = Callable[[Mapping[str, Any]], Iterator[tuple[str, str]]]


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
    #: Each language is an object of its own (a post and its French version, each with its
    #: slug, status and dates), linked in a translation group, as Wagtail's localisation and
    #: Polylang do; the type needs a ``language`` field and gets ``translation_group``
    #: (:mod:`hub.content.linked_translations`). Types without it translate the fields
    #: declared ``translatable`` instead.
    linked_translations: bool = field(default=False, kw_only=True)

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
        for spec in named.values():
            if spec.translatable and (
                spec.kind not in TRANSLATABLE_KINDS or self.linked_translations
            ):
                raise ValueError(
                    f"{self.name}: {spec.name} cannot be translatable: only text fields are, "
                    "and only on types without linked_translations (each language is an object)"
                )
        if self.linked_translations:
            language = named.get("language")
            if language is None or language.kind is not ColumnKind.LANGUAGE:
                raise ValueError(f"{self.name}: linked_translations needs a language_tag() field")
            named[TRANSLATION_GROUP] = replace(TRANSLATION_GROUP_FIELD, name=TRANSLATION_GROUP)
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
    def translatable_fields(self) -> tuple[Field, ...]:
        """The fields given per language (stored in the type's translation table)."""
        return tuple(spec for spec in self.fields.values() if spec.translatable)

    @property
    def writable(self) -> tuple[Field, ...]:
        """Fields an input or an import record may set."""
        return tuple(spec for spec in self.fields.values() if not spec.read_only)
