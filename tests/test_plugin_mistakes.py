"""Each mistake a plugin author makes stops start-up with one line naming the plugin."""

from __future__ import annotations

import enum
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import strawberry
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from hub import ContentType, PluginMetadata, Post, Setting, declare
from hub.app import create_app
from hub.database import apply_migrations
from hub.errors import PluginError
from hub.graphql.schema import build_schema
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from tests.plugin_helpers import make_plugin


def start(*plugins: object, settings: Settings | None = None) -> None:
    """Compose a hub with ``plugins``: everything start-up checks, without a server."""
    pm = get_plugin_manager(extra_plugins=plugins, load_entry_points=False)
    create_app(settings or Settings(), pm)


def refusal(*plugins: object) -> str:
    with pytest.raises(PluginError) as caught:
        start(*plugins)
    message = str(caught.value)
    assert "\n" not in message
    return message


@strawberry.type
class Petition:
    title: str


def test_a_class_instead_of_a_list() -> None:
    message = refusal(make_plugin("petitions", register_types=lambda: Petition))
    assert message == (
        "Plugin 'petitions': register_types must return a list, got the class Petition."
    )


def test_an_instance_instead_of_a_class() -> None:
    message = refusal(make_plugin("petitions", register_types=lambda: [Petition(title="x")]))
    assert message.startswith("Plugin 'petitions': register_types returned an instance of")
    assert "return Petition, not Petition()" in message


def test_an_extension_that_is_not_a_strawberry_type() -> None:
    class SectionPetitions:
        count: int = 0

    plugin = make_plugin(
        "petitions", register_type_extensions=lambda: {"Section": [SectionPetitions]}
    )
    assert refusal(plugin) == (
        "Plugin 'petitions' returns test_an_extension_that_is_not_a_strawberry_type.<locals>."
        "SectionPetitions from register_type_extensions, which is not a Strawberry type: "
        "decorate it with @strawberry.type."
    )


def test_async_def_for_a_synchronous_hook() -> None:
    async def register_types() -> list[type]:
        return [Petition]

    assert refusal(make_plugin("petitions", register_types=register_types)) == (
        "Plugin 'petitions' implements register_types with `async def`, but the hub calls "
        "that hook synchronously: use `def`."
    )


def test_a_hook_function_without_hookimpl() -> None:
    module = types.ModuleType("petitions")

    def register_types() -> list[type]:
        return [Petition]

    module.register_types = register_types  # type: ignore[attr-defined]
    assert refusal(module) == (
        "Plugin 'petitions' defines register_types() without @hookimpl, so the hub would never "
        "call it: decorate it with @hub.hookimpl."
    )


def test_a_missing_models_module() -> None:
    from hub import ModelApp

    plugin = make_plugin(
        "petitions",
        register_models=lambda: [ModelApp(label="petitions", modules=("hub_petitions.models",))],
    )
    assert refusal(plugin) == (
        "Plugin 'petitions' declares the models module 'hub_petitions.models', which cannot be "
        "imported: ModuleNotFoundError: No module named 'hub_petitions'"
    )


def _query_plugin(name: str, annotation: Any, value: Callable[[], Any]) -> types.ModuleType:
    def resolve(self: object) -> Any:
        return value()

    resolve.__annotations__ = {"return": annotation}
    query = strawberry.type(type(f"{name}Query", (), {f"{name}_thing": strawberry.field(resolve)}))
    return make_plugin(name, register_queries=lambda: [query])


@pytest.mark.parametrize("kind", ["input", "enum"])
def test_two_plugins_define_one_type_name(kind: str) -> None:
    plugins = []
    for name in ("petitions", "surveys"):
        if kind == "input":
            filter_type = strawberry.input(
                type("PetitionFilter", (), {"__annotations__": {name: str}, name: ""})
            )

            def resolve(self: object, where: Any = None) -> int:
                return 0

            resolve.__annotations__ = {"where": filter_type | None, "return": int}
            query = strawberry.type(
                type(f"{name}Query", (), {f"{name}_count": strawberry.field(resolve)})
            )
            plugins.append(make_plugin(name, register_queries=lambda query=query: [query]))
        else:
            colour = strawberry.enum(enum.Enum("PetitionState", {name.upper(): name}))  # type: ignore[misc]
            plugins.append(_query_plugin(name, colour, lambda colour=colour: next(iter(colour))))
    name = "PetitionFilter" if kind == "input" else "PetitionState"
    assert refusal(*plugins) == (
        f"Plugins 'petitions' and 'surveys' both define the GraphQL type {name}: each type name "
        "may be defined once; rename one (prefix it with the plugin's name)."
    )


def test_a_model_imported_under_the_name_of_its_graphql_type() -> None:
    class PetitionModel:  # what `from .models import Petition` puts in the types module
        pass

    plugin = _query_plugin("petitions", PetitionModel, PetitionModel)
    message = refusal(plugin)
    assert message.startswith("Plugin 'petitions' annotates petitionsQuery.petitions_thing with ")
    assert "PetitionModel, which is not a GraphQL type" in message


def test_a_route_outside_the_plugin_prefix() -> None:
    async def page(request: object) -> PlainTextResponse:
        return PlainTextResponse("hi")

    plugin = make_plugin("petitions", register_routes=lambda: [Route("/sign", page)])
    assert refusal(plugin) == (
        "Plugin 'petitions' serves /sign, outside its prefix /petitions/: move it there, or "
        "declare the prefix in PluginMetadata(route_prefixes=...)."
    )
    allowed = make_plugin(
        "petitions",
        register_routes=lambda: [Route("/sign", page), Route("/petitions/list", page)],
        plugin_metadata=lambda: PluginMetadata(route_prefixes=("/sign",)),
    )
    start(allowed)


def test_a_setting_outside_the_plugin_prefix() -> None:
    plugin = make_plugin(
        "petitions", register_settings=lambda: [Setting("HUB_GOAL", int, 10, "Signatures.")]
    )
    assert refusal(plugin) == (
        "Plugin 'petitions' declares the setting HUB_GOAL: name it HUB_PETITIONS_..., or list "
        "it in PluginMetadata(shared_settings=...)."
    )


def test_a_setting_of_an_unsupported_type() -> None:
    plugin = make_plugin(
        "petitions",
        register_settings=lambda: [Setting("HUB_PETITIONS_GOALS", dict, {}, "Goals.")],
    )
    assert refusal(plugin) == (
        "Plugin 'petitions' declares HUB_PETITIONS_GOALS of type 'dict'; settings are one of "
        "bool, int, float, str, tuple."
    )


def test_an_unsupported_hub_version() -> None:
    plugin = make_plugin("petitions", plugin_metadata=lambda: PluginMetadata(hub=">=9"))
    message = refusal(plugin)
    assert message.startswith("Plugin 'petitions' supports hub-core >=9, but this is hub-core ")


def test_a_required_plugin_that_is_missing() -> None:
    plugin = make_plugin(
        "petitions", plugin_metadata=lambda: PluginMetadata(requires=("campaigns",))
    )
    assert refusal(plugin) == (
        "Plugin 'petitions' requires the plugin 'campaigns', but it is not installed."
    )


def test_a_failing_hook_names_its_plugin() -> None:
    def register_types() -> list[type]:
        raise LookupError("no petitions table")

    assert refusal(make_plugin("petitions", register_types=register_types)) == (
        "Plugin 'petitions' failed in hook register_types: LookupError: no petitions table"
    )


# Migrations: a package written to disk, as a plugin's would be.

MODEL = """
from tortoise import fields
from tortoise.models import Model


class Signature(Model):
    id = fields.IntField(primary_key=True)

    class Meta:
        table = "petitions_signature"
"""

INITIAL = """
from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [{dependency}]
    initial = True
    operations = [
        ops.CreateModel(
            name="Signature",
            fields=[("id", fields.IntField(primary_key=True))],
            options={{"table": "petitions_signature", "app": "petitions", "pk_attr": "id"}},
        ),
        {extra}
    ]
"""


@pytest.fixture
def petitions_package(tmp_path: Path) -> Iterator[Callable[[str], types.ModuleType]]:
    def write(migration: str) -> types.ModuleType:
        package = tmp_path / "hub_petitions"
        (package / "migrations").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "models.py").write_text(MODEL)
        (package / "migrations" / "__init__.py").write_text("")
        (package / "migrations" / "0001_initial.py").write_text(migration)
        from hub import ModelApp

        return make_plugin(
            "petitions",
            register_models=lambda: [
                ModelApp(label="petitions", modules=("hub_petitions.models",))
            ],
        )

    sys.path.insert(0, str(tmp_path))
    yield write
    sys.path.remove(str(tmp_path))
    for name in [name for name in sys.modules if name.startswith("hub_petitions")]:
        del sys.modules[name]


@pytest.mark.parametrize(
    ("migration", "expected"),
    [
        (
            INITIAL.format(dependency="", extra='ops.RunSQL("SELECT * FROM no_such_table"),'),
            "Plugin 'petitions': migration petitions.0001_initial failed: ",
        ),
        (
            INITIAL.format(dependency="", extra="ops.CreateModel(,"),
            "Plugin 'petitions': the migrations in hub_petitions.migrations cannot be loaded: "
            "SyntaxError: ",
        ),
        (
            INITIAL.format(dependency="('petitions', '0000_gone')", extra=""),
            "Plugin 'petitions': the migrations in hub_petitions.migrations cannot be loaded: ",
        ),
    ],
    ids=["failing", "broken", "orphaned"],
)
async def test_a_bad_migration_names_its_plugin(
    petitions_package: Callable[[str], types.ModuleType],
    tmp_path: Path,
    migration: str,
    expected: str,
) -> None:
    plugin = petitions_package(migration)
    pm = get_plugin_manager(extra_plugins=[plugin], load_entry_points=False)
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite://{tmp_path / 'hub.sqlite3'}")
    with pytest.raises(PluginError) as caught:
        await apply_migrations(pm, settings)
    assert str(caught.value).startswith(expected), str(caught.value)
    assert "\n" not in str(caught.value)


def test_the_sdl_of_a_valid_plugin_still_builds() -> None:
    plugin = make_plugin("petitions", register_types=lambda: [Petition])
    pm = get_plugin_manager(extra_plugins=[plugin], load_entry_points=False)
    assert "type Petition" in build_schema(pm, Settings()).schema.as_str()


def _declaring(name: str, declared: object) -> object:
    def register_content_types() -> list[object]:
        return [declared]

    return make_plugin(name, register_content_types=register_content_types)


def _petition_type(plural: str = "petitions", section: str = "Section") -> ContentType:
    return ContentType(
        "Petition",
        Post,  # the model does not matter to the registry's checks
        plural=plural,
        fields={"slug": declare.slug(), "section": declare.foreign_key(section)},
    )


def test_a_content_type_that_is_not_a_declaration() -> None:
    assert refusal(_declaring("petitions", "Petition")) == (
        "Plugin 'petitions' returned 'Petition' from register_content_types: "
        "each item must be a hub.ContentType."
    )


def test_two_plugins_declare_one_content_type() -> None:
    message = refusal(
        _declaring("petitions", _petition_type()), _declaring("other", _petition_type("others"))
    )
    assert message == (
        "Plugins 'petitions' and 'other' both declare the content type 'Petition': "
        "each must be unique."
    )


def test_a_plural_taken_by_the_core() -> None:
    message = refusal(_declaring("petitions", _petition_type(plural="posts")))
    assert message == (
        "Plugins 'hub.content.plugin' and 'petitions' both declare the content plural 'posts': "
        "each must be unique."
    )


def test_a_reference_to_an_undeclared_type() -> None:
    message = refusal(_declaring("petitions", _petition_type(section="Campain")))
    assert message.startswith(
        "Plugin 'petitions' declares Petition with a reference to 'Campain', which no plugin "
        "declares; declared types: "
    )


def test_plugin_types_are_written_after_what_they_refer_to() -> None:
    pm = get_plugin_manager(
        extra_plugins=[_declaring("petitions", _petition_type())], load_entry_points=False
    )
    app = create_app(Settings(), pm)
    declared = app.state.hub.content_types
    names = list(declared)
    assert names.index("Petition") > names.index("Section")
    assert declared.by_plural("petitions") is declared["Petition"]
    assert declared.owner(declared["Petition"]) == "petitions"
