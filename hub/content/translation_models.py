"""The translation table of a type with ``translatable`` fields, built from its declaration.

``SectionTranslation = translation_model(SECTION)`` (after ``model_for(SECTION, ...)``, in the
same models module) builds ``hub_section_translation``: one row per object and language, with
the object's id (deleted with it), the language tag, and a column per translatable field, of
the field's kind and length, NULL where that language leaves the field untranslated (served
from the next language of the fallback chain).

Why a table per type rather than one generic ``(type, object, field, language, value)`` table:
the foreign key deletes an object's translations with it and keeps ids honest; each column
keeps its field's length limit in the database; one row holds every field of a language, so
serving a page of sections in French reads one row per section (one statement per batch, as
every loader); and a plugin's type gets its table, migrated with its models, by declaring
``translatable=True``: nothing to write.
"""

from __future__ import annotations

import sys
from typing import Any

from tortoise import fields
from tortoise.fields.base import OnDelete
from tortoise.models import Model

from hub.content.content_type import ContentType
from hub.content.model_building import _APPS
from hub.content.validation import check_language_tag

_MODELS: dict[ContentType, type[Model]] = {}


def translation_model(declared: ContentType, *, module: str | None = None) -> type[Model]:
    """Build the translation model of ``declared``; assign it to a name in the models module."""
    app = _APPS.get(declared.name)
    if app is None or declared.model_class is None:
        raise LookupError(f"build {declared.name}'s model with model_for first")
    if not declared.translatable_fields:
        raise ValueError(f"{declared.name} declares no translatable field")
    module = module or sys._getframe(1).f_globals["__name__"]
    owner = declared.label
    namespace: dict[str, Any] = {
        "__module__": module,
        "__doc__": f"{declared.name} fields in other languages than the default one.",
        "id": fields.IntField(primary_key=True),
        owner: fields.ForeignKeyField(
            f"{app}.{declared.name}", related_name="translations", on_delete=OnDelete.CASCADE
        ),
        "language": fields.CharField(max_length=35, validators=[check_language_tag]),
    }
    for spec in declared.translatable_fields:
        if spec.max_length is None:
            namespace[spec.name] = fields.TextField(null=True)
        else:
            namespace[spec.name] = fields.CharField(max_length=spec.max_length, null=True)
    base_table = declared.table or f"{app}_{declared.label}"
    namespace["Meta"] = type(
        "Meta",
        (),
        {"table": f"{base_table}_translation", "unique_together": ((owner, "language"),)},
    )
    model = type(f"{declared.name}Translation", (Model,), namespace)
    _MODELS[declared] = model
    return model


def translations_of(declared: ContentType) -> type[Model]:
    """The translation model of ``declared`` (built by :func:`translation_model`)."""
    try:
        return _MODELS[declared]
    except KeyError:
        raise LookupError(
            f"{declared.name}: the translation model is not built yet; build it with "
            "hub.translation_model in the plugin's models module"
        ) from None


def owner_column(declared: ContentType) -> str:
    """The translation table's column holding the object's id (``section_id``)."""
    return f"{declared.label}_id"
