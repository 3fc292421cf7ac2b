"""Serving the ``translatable`` fields of a declared type in the operation's language.

Each translatable field of the GraphQL type (``Section.name``) is answered through the
loader ``<type>_in_language``, keyed by ``(id, field, value as stored)``: with no language
asked for, the stored value comes back without a statement; with one, the object's
translations are read (``<type>_translations``, one statement per batch of objects) and each
field takes the first language of the fallback chain (:mod:`hub.content.languages`) that
gives it a value, else the stored one, written in the default language. Both are loaded fields
(:func:`hub.graphql.loaded.loaded_field`): the compiled executor asks for a whole level at once.

Beside them the type gets ``servedLanguage`` (the language of the translation chosen: the first
of the chain the object has one in, else the default) and ``translations`` (every language's
values, for editors).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from operator import attrgetter
from types import GenericAlias
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader

from hub.content.content_type import ContentType
from hub.content.field_kinds import Field
from hub.content.languages import default_language, language_chain
from hub.content.translation_models import owner_column, translations_of
from hub.graphql.context import Context, Info, LoaderFactory
from hub.graphql.loaded import Shortcut, loaded_field


def list_of(item: Any) -> Any:
    """``list[item]`` for an item known at run time only."""
    return GenericAlias(list, (item,))


#: The key of ``servedLanguage`` in the ``<type>_in_language`` loader.
_SERVED = ""


def translations_loader(declared: ContentType) -> str:
    return f"{declared.event_label}_translations"


def in_language_loader(declared: ContentType) -> str:
    return f"{declared.event_label}_in_language"


def translation_rows(declared: ContentType) -> LoaderFactory:
    """Every translation of a batch of objects: one list of rows per id, by language."""
    owner = owner_column(declared)
    names = [spec.name for spec in declared.translatable_fields]

    def factory(_context: Context) -> DataLoader[int, list[dict[str, Any]]]:
        async def load(ids: Sequence[int]) -> list[list[dict[str, Any]]]:
            model = translations_of(declared)
            rows = await (
                model.filter(**{f"{owner}__in": list(ids)})
                .order_by(owner, "language")
                .values(owner, "language", *names)
            )
            grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
            for row in rows:
                grouped[row.pop(owner)].append(row)
            return [grouped.get(pk, []) for pk in ids]

        return DataLoader(load_fn=load)

    return factory


def pick(
    rows: Sequence[dict[str, Any]], chain: Sequence[str], field: str, stored: Any, default: str
) -> Any:
    """The value of ``field`` (or, for ``""``, the served language) along ``chain``."""
    by_language = {row["language"]: row for row in rows}
    for language in chain:
        if language == default:
            break  # the stored values are the default language's
        row = by_language.get(language)
        if row is None:
            continue
        if field == _SERVED:
            return language
        if row[field]:  # null or empty: not translated, the next language is tried
            return row[field]
    return default if field == _SERVED else stored


def in_language(declared: ContentType) -> LoaderFactory:
    translations = translations_loader(declared)

    def factory(context: Context) -> DataLoader[tuple[int, str, Any], Any]:
        async def load(keys: Sequence[tuple[int, str, Any]]) -> list[Any]:
            chain, default = language_chain(context), default_language(context)
            if not chain or chain[0] == default:
                return [default if field == _SERVED else stored for _, field, stored in keys]
            ids = list(dict.fromkeys(pk for pk, _, _ in keys))
            found = dict(zip(ids, await context.loaders[translations].load_many(ids), strict=True))
            return [pick(found[pk], chain, field, stored, default) for pk, field, stored in keys]

        return DataLoader(load_fn=load)

    return factory


def translation_loaders(declared: ContentType) -> dict[str, LoaderFactory]:
    if not declared.translatable_fields:
        return {}
    return {
        translations_loader(declared): translation_rows(declared),
        in_language_loader(declared): in_language(declared),
    }


def _stored_unless_asked(read_stored: Callable[[Any], Any]) -> Shortcut:
    """The shortcut of a translated field: with no language asked for (or the default one),
    every object answers its stored value, and the loader is not asked."""

    def unless(context: Context) -> Callable[[Any], Any] | None:
        chain = language_chain(context)
        return read_stored if not chain or chain[0] == default_language(context) else None

    return unless


def _key(field: str, attribute: str) -> property:
    return property(lambda self: (self.id, field, getattr(self, attribute)))


def translated_field(declared: ContentType, spec: Field, served: Any) -> tuple[str, Any, Any]:
    """``(key attribute, its property, the GraphQL field)`` of one translatable field."""
    key = f"_hub_{spec.name}_in_language"
    field = loaded_field(
        in_language_loader(declared),
        served,
        key=key,
        # As declared: the published description stays (the type's doc says how it is served).
        description=spec.description or None,
        unless=_stored_unless_asked(attrgetter(spec.type_attribute)),
    )
    field.graphql_name = spec.label
    if spec.deprecation:
        field.deprecation_reason = spec.deprecation
    return key, _key(spec.name, spec.type_attribute), field


def translation_type(declared: ContentType) -> Any:
    """``<Name>Translation``: one language's values of the translatable fields."""
    annotations: dict[str, Any] = {"language": str}
    namespace: dict[str, Any] = {
        "language": strawberry.field(description="BCP 47 tag, such as fr or pt-BR.")
    }
    for spec in declared.translatable_fields:
        annotations[spec.name] = str | None
        namespace[spec.name] = strawberry.field(
            name=spec.label, description="Null: not translated (the next language is served)."
        )
    body = type(
        f"{declared.name}Translation",
        (),
        {"__annotations__": annotations, "__module__": __name__, **namespace},
    )
    return strawberry.type(
        body,
        name=f"{declared.name}Translation",
        description=f"A {declared.label}'s translatable fields in one language.",
    )


def _default_unless_asked(context: Context) -> Callable[[Any], Any] | None:
    """``servedLanguage``'s shortcut: the default language, unless another was asked for."""
    chain, default = language_chain(context), default_language(context)
    return (lambda _object: default) if not chain or chain[0] == default else None


def language_fields(declared: ContentType) -> dict[str, Any]:
    """``servedLanguage`` and ``translations`` of a type with translatable fields."""
    made = translation_type(declared)
    rows = translations_loader(declared)

    async def translations(self: Any, info: Info) -> list[Any]:
        found = await info.context.loaders[rows].load(self.id)
        return [made(**row) for row in found]

    translations.__annotations__ = {"info": Info, "return": list_of(made)}
    served = loaded_field(
        in_language_loader(declared),
        str,
        key="_hub_served_language",
        unless=_default_unless_asked,
        description=(
            "The language this object's translated fields are served in: the first of the "
            "asked language's fallback chain (fr-CH, fr, then HUB_DEFAULT_LANGUAGE) that it "
            "has a translation in. A field that translation leaves out is served from the "
            "next language of the chain that has it."
        ),
    )
    return {
        "_hub_served_language": property(lambda self: (self.id, _SERVED, None)),
        "served_language": served,
        "translations": strawberry.field(
            resolver=translations,
            description="Its translatable fields in every language they are translated into.",
        ),
    }
