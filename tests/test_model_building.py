"""Models are built from the declarations: a plugin declares a type and gets its Tortoise model,
its link model and its migration the same way the core's posts do.

(That the core's built models match their migration files is ``hub makemigrations --check``'s
and tests/test_migrations.py's.)"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from tortoise import Tortoise, fields
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.exceptions import ValidationError
from tortoise.fields.base import OnDelete

from hub import ContentType, declare, link_models, model_for
from hub.content.models import Person, Section
from hub.database import apply_migrations, open_database, pending_model_changes
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from tests import bookshelf
from tests.bookshelf.models import Book, BookPerson
from tests.first_party import first_party_plugins


def test_a_declaration_becomes_columns() -> None:
    pamphlet = ContentType(
        "Pamphlet",
        plural="pamphlets",
        fields={
            "slug": declare.slug(),
            "title": declare.short_text(80, required=True, indexed=True),
            "body": declare.html(),
            "copies": declare.integer(nullable=True, default=None, maximum=10),
            "section": declare.foreign_key(
                "Section", on_delete="RESTRICT", related_name="leaflets"
            ),
        },
        links={"themes": declare.links("Theme")},
        table="leaflets",
        indexes=(("title", "id"),),
        versioned=False,
        timestamped=False,
    )
    with pytest.raises(LookupError, match="Pamphlet: the model is not built yet"):
        _ = pamphlet.model
    model = model_for(pamphlet, app="leaflets")
    (link,) = link_models(pamphlet)

    assert pamphlet.model is model
    assert pamphlet.links["themes"].through is link
    columns: dict[str, Any] = model._meta.fields_map
    assert set(columns) == {
        "id", "public_id", "slug", "title", "body", "copies", "section",
    }  # fmt: skip
    assert (columns["slug"].max_length, columns["slug"].unique) == (120, True)
    assert (columns["title"].max_length, columns["title"].index) == (80, True)
    assert isinstance(columns["body"], fields.TextField)
    assert columns["body"].default == ""
    assert columns["copies"].null
    assert columns["section"].model_name == "hub.Section"
    assert columns["section"].related_name == "leaflets"
    assert columns["section"].on_delete == OnDelete.RESTRICT
    assert isinstance(columns["public_id"], fields.UUIDField)
    assert model._meta.db_table == "leaflets"
    assert [list(index) for index in model._meta.indexes] == [["title", "id"]]
    assert link.__name__ == "PamphletTheme"
    assert link._meta.db_table == "leaflets_theme"
    assert link._meta.unique_together == (("pamphlet", "theme"),)
    assert pamphlet.links["themes"].owner_column == "pamphlet_id"


def test_a_link_to_a_type_whose_model_is_not_built_is_refused() -> None:
    orphan = ContentType(
        "Orphan",
        plural="orphans",
        fields={"slug": declare.slug(), "parent": declare.foreign_key("Nowhere")},
    )
    with pytest.raises(LookupError, match="Orphan refers to Nowhere, whose model is not built"):
        model_for(orphan, app="orphans")


async def test_a_plugin_declared_type_is_migrated_and_stored(settings: Settings) -> None:
    EXECUTOR_CACHE.clear()
    pm = get_plugin_manager(
        extra_plugins=[*first_party_plugins(), bookshelf], load_entry_points=False
    )
    await apply_migrations(pm, settings)
    # The migration file in tests/bookshelf/migrations is what `hub makemigrations` wrote.
    assert await pending_model_changes(pm, settings) == []
    async with open_database(pm, settings):
        section = await Section.create(slug="de", name="Germany", country_code="DE")
        amina, ben = [await Person.create(slug=slug, name=slug) for slug in ("amina", "ben")]
        book = await Book.create(slug="a-book", title="A book", pages=120, section=section)
        await BookPerson.create(book=book, person=ben, position=0)
        await BookPerson.create(book=book, person=amina, position=1)

        stored = await Book.filter(slug="a-book").values("public_id", "version", "shop_url")
        assert uuid.UUID(str(stored[0]["public_id"])).version == 4
        assert (stored[0]["version"], stored[0]["shop_url"]) == (1, "")
        credited = (
            await BookPerson.filter(book=book)
            .order_by("position")
            .values_list("person__slug", flat=True)
        )
        assert credited == ["ben", "amina"]
        # The declared checks are the model's validators.
        with pytest.raises(ValueError, match="is not a slug"):
            await Book.create(slug="Not a slug", title="T")
        with pytest.raises(ValidationError, match="pages"):
            await Book.create(slug="thick", title="T", pages=9000)
        # on_delete as declared: a section's books lose it, a person's links go with them.
        await section.delete()
        assert await Book.filter(slug="a-book").values_list("section_id", flat=True) == [None]
        await ben.delete()
        assert await BookPerson.filter(book=book).count() == 1

        connection = Tortoise.get_connection("default")
        if settings.is_sqlite:
            query = "SELECT name FROM sqlite_master WHERE type = 'table'"
        else:
            query = "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
        tables = {row["name"] for row in await connection.execute_query_dict(query)}
    assert {"bookshelf_books", "bookshelf_books_person"} <= tables
