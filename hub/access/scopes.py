"""Scopes: what a token may do. Plugins declare theirs with the ``register_scopes`` hook."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pluggy

from hub.access.models import Role
from hub.errors import PluginError
from hub.plugins import iter_results

SCOPE_NAME = re.compile(r"^[a-z][a-z0-9-]*:[a-z][a-z0-9-]*$")


@dataclass(frozen=True)
class Scope:
    """One permission. ``roles``: the roles besides admin whose tokens may carry it."""

    name: str
    description: str
    roles: frozenset[Role] = frozenset()

    def __post_init__(self) -> None:
        if not SCOPE_NAME.fullmatch(self.name):
            raise ValueError(f"scope {self.name!r} must look like 'plugin:action'")


READ_DRAFTS = "content:read-drafts"
WRITE_OWN = "content:write-own"
WRITE = "content:write"
PUBLISH = "content:publish"
AUDIT_READ = "audit:read"

CORE_SCOPES: tuple[Scope, ...] = (
    Scope(
        READ_DRAFTS,
        "See drafts and scheduled posts everywhere posts appear.",
        frozenset({Role.EDITOR, Role.AUTHOR, Role.PARTNER}),
    ),
    Scope(
        WRITE_OWN,
        "Create drafts, and edit or delete the drafts the account's person is an author of.",
        frozenset({Role.EDITOR, Role.AUTHOR}),
    ),
    Scope(
        WRITE,
        "Create, edit and delete any post, person, section and theme.",
        frozenset({Role.EDITOR}),
    ),
    Scope(PUBLISH, "Publish, unpublish and schedule posts.", frozenset({Role.EDITOR})),
    Scope(AUDIT_READ, "Read the audit log of every change."),
)


@dataclass(frozen=True)
class ScopeCatalogue:
    """Every scope the loaded plugins declare, and which role may hold which."""

    scopes: Mapping[str, Scope]

    def for_role(self, role: Role) -> frozenset[str]:
        if role is Role.ADMIN:
            return frozenset(self.scopes)
        return frozenset(name for name, scope in self.scopes.items() if role in scope.roles)

    def check_grant(self, role: Role, requested: Iterable[str]) -> list[str]:
        """Problems with giving a token of a ``role`` account the ``requested`` scopes."""
        problems = []
        allowed = self.for_role(role)
        for name in requested:
            if name not in self.scopes:
                known = ", ".join(sorted(self.scopes))
                problems.append(f"unknown scope {name!r} (known: {known})")
            elif name not in allowed:
                problems.append(f"the {role.value} role may not hold the scope {name!r}")
        return problems


def scope_catalogue(pm: pluggy.PluginManager) -> ScopeCatalogue:
    """The scopes of every loaded plugin; one scope declared twice is a loud error."""
    owners: dict[str, str] = {}
    scopes: dict[str, Scope] = {}
    if not hasattr(pm.hook, "register_scopes"):
        return ScopeCatalogue({})
    for plugin, declared in iter_results(pm, "register_scopes"):
        for scope in declared:
            if scope.name in owners:
                raise PluginError(
                    f"Plugins {owners[scope.name]!r} and {plugin!r} both declare the scope "
                    f"{scope.name!r}: prefix scopes with the plugin's name."
                )
            owners[scope.name] = plugin
            scopes[scope.name] = scope
    return ScopeCatalogue(scopes)
