"""Tortoise models built from the declarations: one declaration per type, no model to write.

``Book = model_for(BOOK, app="library")`` in a plugin's models module builds the type's model
(and, as ``model_for``'s ``links`` answer, its link models) with ``type(...)``, as a class
statement would: Tortoise reads the fields when the class is created. Tortoise finds models as
attributes of the modules a :class:`hub.ModelApp` names, so each built class must be assigned
to a name in that module (``hub/content/models.py`` shows how).

How a declaration becomes columns:

- text kinds with a length are ``CharField(max_length=...)``, the others ``TextField``;
  ``INT`` an ``IntField``, ``DATETIME`` a ``DatetimeField``, ``ENUM`` a ``CharEnumField``;
- ``FOREIGN_KEY`` a ``ForeignKeyField`` to the target's app and model, with the declared
  ``on_delete`` and ``related_name``;
- ``required`` text has no default, other fields the declared one; ``nullable``, ``unique``
  and ``indexed`` are the column's ``null``, ``unique`` and ``db_index``;
- the single-value checks of :mod:`hub.content.validation` are the column's validators, so a
  model saved outside the API is checked as an input is;
- every type has ``public_id``, the stable public id its global IDs are made of
  (:mod:`hub.graphql.nodes`): a random UUID given at creation, kept by export and import.
  The column is nullable in the database only because SQLite cannot add a NOT NULL column
  without rebuilding the table (``hub/content/migrations/0002_public_ids.py`` adds it and
  fills every row); the hub never writes NULL;
- ``versioned`` adds ``version``, ``timestamped`` ``created_at``/``updated_at`` (bases
  :class:`Versioned`, :class:`Timestamped`), the type's ``table`` and ``indexes`` go to ``Meta``.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.models import Model
from tortoise.validators import MaxValueValidator, MinValueValidator

from hub.content.content_type import ContentType
from hub.content.field_kinds import NO_DEFAULT, ColumnKind, Field
from hub.content.link_lists import Link
from hub.content.validation import (
    check_country_code,
    check_language_tag,
    check_slug,
    check_url,
)


class Versioned(Model):
    # Goes up with every change through the API: an update names the version it edits, so a
    # stale one is refused instead of overwriting a colleague's work (optimistic concurrency).
    version = fields.IntField(default=1)

    class Meta:
        abstract = True


class Timestamped(Versioned):
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        abstract = True


class TimestampedOnly(Model):
    """``timestamped`` without ``versioned``."""

    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        abstract = True


if TYPE_CHECKING:

    class DeclaredModel(Model):
        """A built model as a type checker sees it: its declared columns are typed ``Any``."""

        def __getattr__(self, name: str) -> Any: ...

else:
    DeclaredModel = Model


#: The single-value check of each kind (lengths are the CharField's own validator).
KIND_CHECKS: dict[ColumnKind, Callable[[Any], None]] = {
    ColumnKind.SLUG: check_slug,
    ColumnKind.COUNTRY: check_country_code,
    ColumnKind.LANGUAGE: check_language_tag,
    ColumnKind.URL: check_url,
}

#: The app label of every declared type whose model was built, by type name: a foreign key
#: names its target's model as ``"<app>.<Type>"``.
_APPS: dict[str, str] = {}


def _base(declared: ContentType) -> type[Model]:
    if declared.timestamped:
        return Timestamped if declared.versioned else TimestampedOnly
    return Versioned if declared.versioned else Model


def _reference(declared: ContentType, app: str, target: str) -> str:
    if target == declared.name:
        return f"{app}.{target}"
    if target not in _APPS:
        raise LookupError(
            f"{declared.name} refers to {target}, whose model is not built yet: "
            f"build {target}'s model first (import its models module)"
        )
    return f"{_APPS[target]}.{target}"


def column_for(declared: ContentType, app: str, spec: Field) -> fields.Field[Any]:
    """The Tortoise field of one declared field."""
    options: dict[str, Any] = {}
    if spec.nullable:
        options["null"] = True
    if spec.unique:
        options["unique"] = True
    if spec.indexed:
        options["db_index"] = True
    if spec.kind is ColumnKind.FOREIGN_KEY:
        assert spec.target is not None
        on_delete = spec.on_delete or (OnDelete.SET_NULL if spec.nullable else OnDelete.CASCADE)
        reference: fields.Field[Any] = fields.ForeignKeyField(
            _reference(declared, app, spec.target),
            related_name=spec.related_name or declared.plural,
            on_delete=OnDelete(on_delete),
            **options,
        )
        return reference
    if spec.default is not NO_DEFAULT and spec.default is not None:
        options["default"] = spec.default
    validators: list[Any] = []
    if spec.kind in KIND_CHECKS:
        validators.append(KIND_CHECKS[spec.kind])
    if spec.minimum is not None:
        validators.append(MinValueValidator(spec.minimum))
    if spec.maximum is not None:
        validators.append(MaxValueValidator(spec.maximum))
    if validators:
        options["validators"] = validators
    if spec.kind is ColumnKind.ENUM:
        assert spec.choices is not None
        return fields.CharEnumField(spec.choices, max_length=spec.max_length or 16, **options)
    if spec.kind is ColumnKind.INT:
        return fields.IntField(**options)
    if spec.kind is ColumnKind.DATETIME:
        return fields.DatetimeField(**options)
    if spec.max_length is None:
        return fields.TextField(**options)
    column: fields.Field[Any] = fields.CharField(max_length=spec.max_length, **options)
    return column


def public_id_column() -> fields.Field[Any]:
    """The ``public_id`` column every declared type's model has."""
    column: fields.Field[Any] = fields.UUIDField(default=uuid.uuid4, unique=True, null=True)
    return column


#: Rows given a public id per statement when a migration fills them.
FILL_BATCH = 1000


def fill_public_ids(app: str, *model_names: str) -> Callable[..., Awaitable[None]]:
    """A migration step (``ops.RunPython``) giving every row of the models a public id.

    For a migration that adds ``public_id`` to tables holding rows (a type that had a
    hand-written model before it was declared): random UUIDs, as new rows get.
    """

    async def fill(apps: Any, schema_editor: Any) -> None:
        client = schema_editor.client
        placeholders = ("$1", "$2") if client.capabilities.dialect == "postgres" else ("?", "?")
        for name in model_names:
            table = apps.get_model(f"{app}.{name}")._meta.db_table
            while True:
                rows = await client.execute_query_dict(
                    f'SELECT "id" FROM "{table}" WHERE "public_id" IS NULL LIMIT {FILL_BATCH}'
                )
                if not rows:
                    break
                await client.execute_many(
                    f'UPDATE "{table}" SET "public_id" = {placeholders[0]} '
                    f'WHERE "id" = {placeholders[1]}',
                    [[str(uuid.uuid4()), row["id"]] for row in rows],
                )

    return fill


def model_for(declared: ContentType, *, app: str, module: str | None = None) -> type[Model]:
    """Build the Tortoise model of ``declared``, in the Tortoise app ``app``.

    Assign the answer, and each of :func:`link_models`' answers, to a name in the models
    module the plugin's :class:`hub.ModelApp` lists: Tortoise finds models there.
    ``module`` (default: the caller's) is the classes' ``__module__``.
    """
    if declared.model_class is not None:
        raise ValueError(f"{declared.name} already has a model: {declared.model_class!r}")
    module = module or sys._getframe(1).f_globals["__name__"]
    base = _base(declared)
    inherited = {"version"} if declared.versioned else set()
    if declared.timestamped:
        inherited |= {"created_at", "updated_at"}
    namespace: dict[str, Any] = {
        "__module__": module,
        "id": fields.IntField(primary_key=True),
        "public_id": public_id_column(),
    }
    for spec in declared.fields.values():
        if spec.name in inherited:
            continue  # updated_at: kept by the base, declared to be read
        namespace[spec.name] = column_for(declared, app, spec)
    meta: dict[str, Any] = {"table": declared.table or f"{app}_{declared.label}"}
    if declared.indexes:
        meta["indexes"] = declared.indexes
    namespace["Meta"] = type("Meta", (), meta)
    model = type(declared.name, (base,), namespace)
    object.__setattr__(declared, "model_class", model)
    _APPS[declared.name] = app
    return model


def link_models(declared: ContentType, *, module: str | None = None) -> tuple[type[Model], ...]:
    """The link models of ``declared``'s ``links``, in order; call it after :func:`model_for`."""
    app = _APPS.get(declared.name)
    if app is None or declared.model_class is None:
        raise LookupError(f"build {declared.name}'s model with model_for first")
    module = module or sys._getframe(1).f_globals["__name__"]
    return tuple(
        _link_model(declared, app, module, link)
        for link in declared.links.values()
        if link.through_class is None
    )


def _link_model(declared: ContentType, app: str, module: str, link: Link) -> type[Model]:
    owner, target = declared.label, link.target.lower()
    name = link.model_name or f"{declared.name}{link.target}"
    related = link.related_name or f"{name.removeprefix(declared.name).lower()}_links"
    namespace: dict[str, Any] = {
        "__module__": module,
        "id": fields.IntField(primary_key=True),
        owner: fields.ForeignKeyField(
            f"{app}.{declared.name}", related_name=related, on_delete=OnDelete.CASCADE
        ),
        target: fields.ForeignKeyField(
            _reference(declared, app, link.target),
            related_name=link.target_related_name or f"{owner}_links",
            on_delete=OnDelete.CASCADE,
        ),
    }
    if link.ordered:
        namespace["position"] = fields.SmallIntField(default=0)
    base_table = declared.table or f"{app}_{declared.label}"
    meta = {
        "table": link.table or f"{base_table}_{target}",
        "unique_together": ((owner, target),),
        # Listing a target's objects walks the link table from the target's side.
        "indexes": ((link.column, link.owner_column),),
    }
    namespace["Meta"] = type("Meta", (), meta)
    if link.table_description:
        namespace["__doc__"] = link.table_description
    model = type(name, (Model,), namespace)
    object.__setattr__(link, "through_class", model)
    return model
