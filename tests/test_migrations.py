"""`hub migrate` builds the database from the migration files, and they match the models."""

from __future__ import annotations

from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE

from hub.database import apply_migrations, open_database, pending_model_changes
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from tests.first_party import first_party_plugins


def plugin_manager():  # type: ignore[no-untyped-def]
    return get_plugin_manager(extra_plugins=first_party_plugins(), load_entry_points=False)


async def test_migrations_create_every_table_and_match_the_models(settings: Settings) -> None:
    EXECUTOR_CACHE.clear()
    pm = plugin_manager()
    await apply_migrations(pm, settings)
    async with open_database(pm, settings):
        connection = Tortoise.get_connection("default")
        if settings.is_sqlite:
            rows = await connection.execute_query_dict(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            )
        else:
            rows = await connection.execute_query_dict(
                "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
            )
        tables = {row["name"] for row in rows}
    for table in ("hub_post", "hub_person", "hub_section", "hub_theme", "hub_post_author"):
        assert table in tables
    assert await pending_model_changes(pm, settings) == []


async def test_migrate_twice_is_harmless(settings: Settings) -> None:
    EXECUTOR_CACHE.clear()
    pm = plugin_manager()
    await apply_migrations(pm, settings)
    await apply_migrations(pm, settings)
