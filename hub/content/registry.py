"""Every declared content type of the running hub: the core's and the plugins'.

Built once from the ``register_content_types`` hook and checked as a whole: names and plurals
are unique, and every reference points at a declared type. Anything that handles "all
content" (export, import, search, cache purges) reads the types from here, never from a list
of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pluggy

from hub.content.content_type import ContentType
from hub.errors import PluginError
from hub.hookcalls import plugin_calls
from hub.settings import Settings


@dataclass(frozen=True)
class ContentTypes(Mapping[str, ContentType]):
    """The declared types by name (``"Post"``), in write order, with the plugin owning each."""

    #: Referenced types come before the types that refer to them (sections before people).
    in_write_order: tuple[ContentType, ...]
    owners: Mapping[str, str]

    def __getitem__(self, name: str) -> ContentType:
        for declared in self.in_write_order:
            if declared.name == name:
                return declared
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return (declared.name for declared in self.in_write_order)

    def __len__(self) -> int:
        return len(self.in_write_order)

    @property
    def exchanged(self) -> tuple[ContentType, ...]:
        """The types ``hub export`` and ``hub import`` carry, in write order: those whose
        records are named by a slug. A type that is part of another (a section's map location)
        is named by its owner instead, which the exchange format cannot say yet: left out."""
        return tuple(declared for declared in self.in_write_order if declared.part_of is None)

    def by_plural(self, plural: str) -> ContentType | None:
        """The type whose import/export records are listed under ``plural`` ("people")."""
        return next((d for d in self.in_write_order if d.plural == plural), None)

    def owner(self, declared: ContentType) -> str:
        """The plugin that declared ``declared``."""
        return self.owners[declared.name]


def content_types(pm: pluggy.PluginManager, settings: Settings) -> ContentTypes:
    """Collect and check every plugin's declarations; a mistake is a :class:`PluginError`."""
    declared: dict[str, ContentType] = {}
    owners: dict[str, str] = {}
    plurals: dict[str, str] = {}
    for plugin, answer in plugin_calls(pm, "register_content_types", settings=settings):
        for item in answer:
            if not isinstance(item, ContentType):
                raise PluginError(
                    f"Plugin {plugin!r} returned {item!r} from register_content_types: "
                    "each item must be a hub.ContentType."
                )
            for taken, key, what in ((owners, item.name, "type"), (plurals, item.plural, "plural")):
                if key in taken:
                    raise PluginError(
                        f"Plugins {taken[key]!r} and {plugin!r} both declare the content "
                        f"{what} {key!r}: each must be unique."
                    )
                taken[key] = plugin
            declared[item.name] = item
    return ContentTypes(in_write_order=_write_order(declared, owners), owners=owners)


def _references(declared: ContentType) -> list[str]:
    targets = [spec.target for spec in declared.fields.values() if spec.target]
    return [*targets, *(link.target for link in declared.links.values())]


def _write_order(
    declared: Mapping[str, ContentType], owners: Mapping[str, str]
) -> tuple[ContentType, ...]:
    """Declaration order, moved only as far as references need (a stable topological sort)."""
    for item in declared.values():
        for target in _references(item):
            if target not in declared:
                raise PluginError(
                    f"Plugin {owners[item.name]!r} declares {item.name} with a reference to "
                    f"{target!r}, which no plugin declares; declared types: "
                    f"{', '.join(sorted(declared))}."
                )
    ordered: list[ContentType] = []
    placing: set[str] = set()

    def place(item: ContentType) -> None:
        if item in ordered:
            return
        if item.name in placing:
            # A type referring to itself, or types referring to each other, keep their
            # declaration order among themselves.
            return
        placing.add(item.name)
        for target in _references(item):
            if target != item.name:
                place(declared[target])
        ordered.append(item)

    for item in declared.values():
        place(item)
    return tuple(ordered)
