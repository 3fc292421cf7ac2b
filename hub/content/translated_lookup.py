"""One object's translatable field in a language, outside GraphQL (a feed's title names its
theme in the feed's language): the stored value and the object's translations in one statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hub.content.content_type import ContentType
from hub.content.languages import canonical
from hub.content.translated_fields import pick


async def translated_by_slug(
    declared: ContentType, slug: str, field: str, chain: Sequence[str], default: str
) -> Any | None:
    """``field`` of the ``declared`` object at ``slug``, in the first language of ``chain``
    (:func:`hub.fallback_chain`) that translates it, else as stored (in ``default``, the
    organisation's language); None when no object has that slug.

    One statement: the object's row joined to its translations (a handful of rows, one per
    language). A field that is not translatable, or an empty chain, reads the stored value only.
    """
    model = declared.model
    translated = any(spec.name == field for spec in declared.translatable_fields)
    if not chain or not translated:
        found = await model.filter(slug=slug).limit(1).values_list(field, flat=True)
        return found[0] if found else None
    rows = await model.filter(slug=slug).values(
        field, language="translations__language", translated="translations__" + field
    )
    if not rows:
        return None
    translations = [
        {"language": canonical(row["language"]), field: row["translated"]}
        for row in rows
        if row["language"] is not None
    ]
    return pick(translations, chain, field, rows[0][field], canonical(default))
