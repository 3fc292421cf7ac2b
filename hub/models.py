"""What a plugin declares to add database tables."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelApp:
    """A Tortoise app: its label (one per plugin), model modules and migrations package.

    ``migrations`` defaults to the ``migrations`` package beside the first models module.
    """

    label: str
    modules: tuple[str, ...]
    migrations: str | None = None

    @property
    def migrations_module(self) -> str:
        if self.migrations:
            return self.migrations
        package = self.modules[0].rpartition(".")[0]
        return f"{package}.migrations" if package else "migrations"
