"""Global IDs are made of public ids: the same ID names the same object after the content moved
to another database, and IDs given out before (row numbers) keep resolving."""

from __future__ import annotations

import base64
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import orjson
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from tortoise import Tortoise
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.migrations.api.migrate import migrate

from hub.access.models import Role
from hub.app import create_app
from hub.content.models import Person, Post, Section, Theme
from hub.content.transfer import InvalidContent, dump_json, export_content, import_content
from hub.database import apply_migrations, config_for
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from tests.conftest import GraphQLClient, only_postgres
from tests.first_party import first_party_plugins
from tests.test_access_tokens import bearer, sign_in
from tests.test_import_export import valid_document


def old_id(type_name: str, pk: int) -> str:
    """A global ID as the hub gave them before public ids: the row number."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def key_of(global_id: str) -> str:
    return base64.b64decode(global_id).decode().partition(":")[2]


POSTS = "{ posts { edges { node { id slug authors { id slug } } } } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on Post { slug } ... on Person { slug } } }"


@asynccontextmanager
async def running_hub(settings: Settings) -> AsyncIterator[tuple[Starlette, GraphQLClient]]:
    """A hub on ``settings``' database, as the ``app`` and ``gql`` fixtures make one."""
    EXECUTOR_CACHE.clear()
    pm = get_plugin_manager(extra_plugins=[], load_entry_points=False)
    application = create_app(settings, pm)
    async with LifespanManager(application):
        await Tortoise.generate_schemas()
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as http:
            yield application, GraphQLClient(http)


@only_postgres
async def test_ids_survive_export_and_import_into_the_other_backend(
    database_url: str, tmp_path: Path
) -> None:
    on_sqlite = Settings(data_dir=tmp_path, database_url=f"sqlite://{tmp_path / 'a.sqlite3'}")
    async with running_hub(on_sqlite) as (app, gql):
        # Rows come and go, so that row numbers differ from the new database's.
        await Post.bulk_create([Post(slug=f"gone-{n}", title="Gone") for n in range(3)])
        await Post.filter(slug__startswith="gone-").delete()
        await import_content(app.state.hub.plugin_manager, valid_document())
        before = (await gql.data(POSTS))["posts"]["edges"]
        exported = dump_json(await export_content(app.state.hub.content_types))
        row_number = await Post.get(slug="peace-talks").values_list("id", flat=True)

    on_postgres = Settings(data_dir=tmp_path, database_url=database_url)
    async with running_hub(on_postgres) as (app, gql):
        await import_content(app.state.hub.plugin_manager, orjson.loads(exported))
        assert dump_json(await export_content(app.state.hub.content_types)) == exported
        assert (await gql.data(POSTS))["posts"]["edges"] == before
        post = before[0]["node"]
        found = await gql.data(NODE, {"id": post["id"]})
        assert found["node"] == {"id": post["id"], "slug": "peace-talks"}
        author = post["authors"][0]
        assert (await gql.data(NODE, {"id": author["id"]}))["node"] == author
        # The row number the old ID named is another row here: why IDs are public ids now.
        assert await Post.filter(id=row_number).values_list("slug", flat=True) != ["peace-talks"]


async def test_an_id_given_out_before_public_ids_still_names_its_object(
    app: Starlette, gql: GraphQLClient
) -> None:
    await import_content(app.state.hub.plugin_manager, valid_document())
    post = await Post.get(slug="peace-talks")
    current = (await gql.data(POSTS))["posts"]["edges"][0]["node"]["id"]
    assert key_of(current) == str(post.public_id)

    found = await gql.data(NODE, {"id": old_id("Post", post.id)})
    assert found["node"] == {"id": current, "slug": "peace-talks"}
    both = await gql.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [old_id("Post", post.id), current, old_id("Post", 999)]},
    )
    assert both["nodes"] == [{"id": current}, {"id": current}, None]
    unknown = base64.b64encode(f"Post:{uuid.uuid4()}".encode()).decode()
    assert (await gql.data(NODE, {"id": unknown}))["node"] is None


UPDATE_THEME = """
mutation($input: UpdateThemeInput!) {
  updateTheme(input: $input) { theme { id name } errors { field code } }
}"""
DELETE_THEME = """
mutation($input: DeleteInput!) { deleteTheme(input: $input) { deletedId errors { field code } } }
"""


async def test_mutations_take_old_and_current_ids(app: Starlette, gql: GraphQLClient) -> None:
    gql.headers.update(bearer(await sign_in(Role.ADMIN)))
    await import_content(app.state.hub.plugin_manager, valid_document())
    theme = await Theme.get(slug="disarmament")
    current = base64.b64encode(f"Theme:{theme.public_id}".encode()).decode()

    by_old = await gql.data(
        UPDATE_THEME, {"input": {"id": old_id("Theme", theme.id), "version": 1, "name": "Old"}}
    )
    assert by_old["updateTheme"] == {"theme": {"id": current, "name": "Old"}, "errors": []}
    by_current = await gql.data(UPDATE_THEME, {"input": {"id": current, "version": 2, "name": "N"}})
    assert by_current["updateTheme"] == {"theme": {"id": current, "name": "N"}, "errors": []}
    unknown = base64.b64encode(f"Theme:{uuid.uuid4()}".encode()).decode()
    missing = await gql.data(UPDATE_THEME, {"input": {"id": unknown, "version": 1, "name": "X"}})
    assert missing["updateTheme"] == {
        "theme": None, "errors": [{"field": "id", "code": "NOT_FOUND"}]
    }  # fmt: skip

    person = await Person.get(slug="amina-abdi")
    section = await Section.get(slug="wilpf-kenya")
    moved = await gql.data(
        "mutation($input: UpdatePersonInput!) { updatePerson(input: $input) "
        "{ person { section { id } } errors { field } } }",
        {
            "input": {
                "id": base64.b64encode(f"Person:{person.public_id}".encode()).decode(),
                "version": 1,
                "section": base64.b64encode(f"Section:{section.public_id}".encode()).decode(),
            }
        },
    )
    assert moved["updatePerson"]["errors"] == []
    assert key_of(moved["updatePerson"]["person"]["section"]["id"]) == str(section.public_id)

    deleted = await gql.data(DELETE_THEME, {"input": {"id": current, "version": 3}})
    assert deleted["deleteTheme"] == {"deletedId": current, "errors": []}


async def test_an_import_keeps_the_ids_of_its_records(app: Starlette) -> None:
    pm = app.state.hub.plugin_manager
    document = valid_document()
    given = str(uuid.uuid4())
    document["themes"][0]["id"] = given.upper()  # any spelling of a UUID; stored canonical
    await import_content(pm, document)
    assert str((await Theme.get(slug="disarmament")).public_id) == given

    # A stored object keeps its id when a file names it by slug with another one.
    document["themes"][0]["id"] = str(uuid.uuid4())
    await import_content(pm, document)
    assert str((await Theme.get(slug="disarmament")).public_id) == given

    # A file giving its id with a new slug renames it (tests/test_post_redirects.py); with the
    # slug of another stored object, it clashes.
    await Theme.create(slug="other", name="Other")
    clash = {"themes": [{"id": given, "slug": "other", "name": "Other"}]}
    twice = {
        "sections": [
            {"id": "not-an-id", "slug": "s", "name": "S", "country_code": "DE"},
            {"id": given, "slug": "t", "name": "T", "country_code": "DE"},
            {"id": given, "slug": "u", "name": "U", "country_code": "DE"},
        ]
    }
    problems = []
    for document in (clash, twice):
        with pytest.raises(InvalidContent) as raised:
            await import_content(pm, document)
        problems += [str(problem) for problem in raised.value.problems]
    assert problems == [
        'themes[0] (slug "other"): field "id": '
        'is the id of the theme "disarmament" in the database, and "other" is another '
        "theme's slug",
        'sections[0] (slug "s"): field "id": must be a public id (a UUID such as '
        "'0f8fad5b-d9cb-469f-a165-70867728950e'), not 'not-an-id'",
        'sections[2] (slug "u"): field "id": is used again (first by sections[1])',
    ]


async def test_the_migration_gives_every_existing_row_a_public_id(settings: Settings) -> None:
    EXECUTOR_CACHE.clear()
    pm = get_plugin_manager(extra_plugins=first_party_plugins(), load_entry_points=False)
    # A database as the hub left it before public ids, holding content.
    await migrate(config=config_for(pm, settings), target="hub.0001_initial")
    connection = Tortoise.get_connection("default")
    values = "VALUES (1, ?, ?, '')" if settings.is_sqlite else "VALUES (1, $1, $2, '')"
    await connection.execute_many(
        f"INSERT INTO hub_theme (version, slug, name, description) {values}",
        [[f"theme-{n}", f"Theme {n}"] for n in range(2500)],  # more than one batch of the fill
    )
    await Tortoise.close_connections()

    await apply_migrations(pm, settings)

    await Tortoise.init(config=config_for(pm, settings))
    try:
        ids = await Theme.all().values_list("public_id", flat=True)
    finally:
        await Tortoise.close_connections()
    assert len(ids) == 2500
    assert None not in ids
    assert len({str(public_id) for public_id in ids}) == 2500


def test_public_ids_are_uuids() -> None:
    # The column's default: a new object's id is random (version 4), never a row number.
    first, second = Post(slug="a", title="A"), Post(slug="b", title="B")
    assert uuid.UUID(str(first.public_id)).version == 4
    assert first.public_id != second.public_id
