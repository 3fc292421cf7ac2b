"""The petitions plugin of docs/plugins.md's second part (tests/petitions/plugin.py) does what the
tutorial says, on both backends, and the tutorial shows the file exactly as it is.

Its generated API (connection, filters, lookups, mutations with versions, audit and scopes) is
tested in tests/test_declared_types.py; search and purges of plugin types in
tests/test_declared_plugin_types.py. Here: what the plugin writes itself, and the rest of the
tutorial's claims.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

import asyncpg
import hub_delivery.plugin
import hub_search.plugin
import pytest
from hub_search.backends import current_backend
from starlette.applications import Starlette

from hub.access.models import AuditEntry, Role, User
from hub.access.scopes import scope_catalogue
from hub.access.tokens import issue_token
from hub.content.models import Post, PostStatus, Section, Theme
from hub.content.transfer import dump_json, export_content, import_content
from hub.hookimpl import hookimpl
from hub.testing import hub_cli
from tests import factories
from tests.conftest import GraphQLClient, SQLCounter, only_postgres
from tests.first_party import ROOT
from tests.petitions import plugin as petitions
from tests.petitions.plugin import Petition, Signature

GUIDE = ROOT / "docs" / "plugins.md"
HEADING = "## Part two: petitions on the declarations"
PLUGIN_FILE = Path(petitions.__file__)

#: What the recording CDN plugin was told to purge, in order.
purges: list[list[str]] = []


class PurgeRecorder:
    """A CDN plugin: it records what the delivery plugin tells it to purge."""

    __name__ = "purge-recorder"

    @staticmethod
    @hookimpl(optionalhook=True)
    def purge_cache(keys: Sequence[str]) -> None:
        purges.append(list(keys))


@pytest.fixture
def extra_plugins() -> list[object]:
    purges.clear()
    return [hub_search.plugin, hub_delivery.plugin, petitions, PurgeRecorder()]


@pytest.fixture
async def hub(app: Starlette) -> Starlette:
    await current_backend().create_schema()  # tests build tables from models, not migrations
    return app


# --- the file and the tutorial --------------------------------------------------------------------


def test_the_plugin_is_at_most_150_lines() -> None:
    # `wc -l`: every line counts, blank ones, comments and docstrings included.
    assert len(PLUGIN_FILE.read_text(encoding="utf-8").splitlines()) <= 150


def test_the_tutorial_shows_the_whole_plugin_in_order_and_verbatim() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    part = guide[guide.index(HEADING) : guide.index("## Public API reference")]
    blocks = re.findall(r"```python\n(.*?)```", part, re.DOTALL)
    source = PLUGIN_FILE.read_text(encoding="utf-8")
    shown = 0
    for block in blocks:
        found = source.find(block, shown)
        assert found >= 0, f"not in {PLUGIN_FILE.name} (after what is shown before):\n{block}"
        assert source[shown:found].strip() == "", (
            f"left out of the tutorial:\n{source[shown:found]}"
        )
        shown = found + len(block)
    assert source[shown:].strip() == "", f"left out of the tutorial:\n{source[shown:]}"


# --- helpers ------------------------------------------------------------------------------------

_accounts = count(1)


async def sign_in(hub: Starlette, gql: GraphQLClient, *scopes: str) -> None:
    """Send a new editor's token holding ``scopes`` (the plugin's are known) with every request."""
    user = await User.create(
        email=f"editor-{next(_accounts)}@example.org", role=Role.EDITOR, password_hash="unused"
    )
    issued = await issue_token(user, scopes, scope_catalogue(hub.state.hub.plugin_manager))
    gql.headers["authorization"] = f"Bearer {issued.token}"


CREATE = """mutation($input: CreatePetitionInput!) {
  createPetition(input: $input) { petition { id slug version } errors { field message code } } }"""
UPDATE = """mutation($input: UpdatePetitionInput!) {
  updatePetition(input: $input) { petition { title version } errors { field code } } }"""
SIGN = """mutation($slug: String!, $name: String!, $email: String!) {
  signPetition(slug: $slug, name: $name, email: $email) { slug signatures } }"""
PUBLISH = """mutation($input: PublishPostInput!) {
  publishPost(input: $input) { post { status } errors { field message } } }"""


async def create_petition(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
    values = {"slug": "ban-the-bomb", "title": "Ban the bomb", **fields}
    data = await gql.data(CREATE, {"input": values})
    assert data["createPetition"]["errors"] == []
    petition: dict[str, Any] = data["createPetition"]["petition"]
    return petition


async def publish(gql: GraphQLClient, slug: str) -> None:
    post = (await gql.data(f'{{ post(slug: "{slug}") {{ id version }} }}'))["post"]
    data = await gql.data(PUBLISH, {"input": {"id": post["id"], "version": post["version"]}})
    assert data["publishPost"] == {"post": {"status": "PUBLISHED"}, "errors": []}


async def sign(gql: GraphQLClient, email: str, name: str = "Ada") -> dict[str, Any]:
    return await gql.query(SIGN, {"slug": "ban-the-bomb", "name": name, "email": email})


def refusal(body: dict[str, Any]) -> tuple[str, str | None, str]:
    [error] = body["errors"]
    return error["extensions"]["code"], error["extensions"].get("argument"), error["message"]


# --- what the tutorial claims -------------------------------------------------------------------


async def test_an_edit_is_versioned_audited_searched_and_purged(
    hub: Starlette, gql: GraphQLClient
) -> None:
    await sign_in(hub, gql, "petitions:write")
    made = await create_petition(gql, demand="<p>Sign the nuclear treaty</p>")
    found = await gql.data(
        '{ search(query: "nuclear") { edges { node { ... on Petition { slug } } } } }'
    )
    assert found["search"]["edges"] == [{"node": {"slug": "ban-the-bomb"}}]

    purges.clear()
    changed = await gql.data(
        UPDATE, {"input": {"id": made["id"], "version": 1, "title": "Abolish"}}
    )
    assert changed["updatePetition"] == {
        "petition": {"title": "Abolish", "version": 2},
        "errors": [],
    }
    pk = (await Petition.get(slug="ban-the-bomb")).pk
    assert purges[-1][:3] == ["Query", "Petition", f"Petition:{pk}"]
    stale = await gql.data(UPDATE, {"input": {"id": made["id"], "version": 1, "title": "Mine"}})
    assert stale["updatePetition"] == {
        "petition": None,
        "errors": [{"field": "version", "code": "CONFLICT"}],
    }
    audited = (
        await AuditEntry.filter(type_name="Petition")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert audited == ["petition.create", "petition.update"]


async def test_a_petition_opens_when_its_post_is_published_and_is_signed_once_per_email(
    hub: Starlette, gql: GraphQLClient
) -> None:
    await factories.post("why-sign", status=PostStatus.DRAFT, published_at=None)
    await sign_in(hub, gql, "petitions:write", "content:publish", "content:read-drafts")
    post_id = (await gql.data('{ post(slug: "why-sign") { id } }'))["post"]["id"]
    await create_petition(gql, post=post_id)
    gql.headers.clear()  # signing needs no account
    assert refusal(await sign(gql, "ada@example.org")) == (
        "BAD_USER_INPUT", "slug", "slug: no petition 'ban-the-bomb' is open to sign."
    )  # fmt: skip

    await sign_in(hub, gql, "content:publish", "content:read-drafts")
    purges.clear()
    await publish(gql, "why-sign")
    pk = (await Petition.get(slug="ban-the-bomb")).pk
    # The plugin's reaction told its own change: the petition's cached answers go too.
    assert any({"Petition", f"Petition:{pk}"} <= set(keys) for keys in purges)
    opened = await gql.data('{ petition(slug: "ban-the-bomb") { openedAt version } }')
    assert opened["petition"]["openedAt"] is not None
    assert opened["petition"]["version"] == 2  # a change: an editor's older copy is a conflict
    gql.headers.clear()

    purges.clear()
    assert (await sign(gql, " Ada@Example.org "))["data"] == {
        "signPetition": {"slug": "ban-the-bomb", "signatures": 1}
    }
    assert purges == [["Query", "Petition", f"Petition:{pk}"]]  # petition.signed
    assert refusal(await sign(gql, "ada@example.org", name="Ada again")) == (
        "BAD_USER_INPUT", "email", "email: this address has signed it already."
    )  # fmt: skip
    assert refusal(await sign(gql, "not-an-address")) == (
        "BAD_USER_INPUT", "email", "email: 'not-an-address' is not an email address."
    )  # fmt: skip
    assert refusal(await sign(gql, "ben@example.org", name="  ")) == (
        "BAD_USER_INPUT", "name", "name: give 1 to 200 characters."
    )  # fmt: skip
    body = await gql.query(
        'mutation { signPetition(slug: "No Slug", name: "A", email: "a@b.cd") { slug } }'
    )
    assert refusal(body)[:2] == ("BAD_USER_INPUT", "slug")
    assert await Signature.all().values_list("name", "email") == [("Ada", "ada@example.org")]
    assert (await gql.data('{ petition(slug: "ban-the-bomb") { signatures } }')) == {
        "petition": {"signatures": 1}
    }


@only_postgres
async def test_two_clicks_at_the_same_moment_sign_once(
    hub: Starlette, gql: GraphQLClient, database_url: str
) -> None:
    # (SQLite runs one writing transaction at a time, BEGIN IMMEDIATE: no race to lose there.)
    petition = await Petition.create(
        slug="ban-the-bomb", title="Ban the bomb", opened_at=datetime.now(UTC)
    )
    # Another transaction holds the same signature, uncommitted: both clicks find none yet and
    # wait for it. When it rolls back, one click signs; the other must wait for that one.
    other = await asyncpg.connect(database_url)
    holding = other.transaction()
    await holding.start()
    await other.execute(
        "INSERT INTO petitions_signature (petition_id, name, email, signed_at)"
        " VALUES ($1, 'Ada', 'ada@example.org', now())",
        petition.pk,
    )
    clicks = asyncio.gather(*(sign(gql, "ada@example.org") for _ in range(2)))
    await asyncio.sleep(0.5)
    await holding.rollback()
    await other.close()
    bodies = await clicks

    signed = [body for body in bodies if "errors" not in body]
    assert signed == [{"data": {"signPetition": {"slug": "ban-the-bomb", "signatures": 1}}}]
    assert [refusal(body) for body in bodies if body not in signed] == [
        ("BAD_USER_INPUT", "email", "email: this address has signed it already.")
    ]
    assert await Signature.all().count() == 1


async def test_no_email_is_ever_public(hub: Starlette, gql: GraphQLClient) -> None:
    fields = await gql.data('{ __type(name: "Petition") { fields { name } } }')
    names = {field["name"] for field in fields["__type"]["fields"]}
    assert {"title", "demand", "signatures", "openedAt", "post", "themes"} <= names
    assert not {name for name in names if "mail" in name.lower()}
    types = await gql.data("{ __schema { types { name } } }")
    assert "Signature" not in {item["name"] for item in types["__schema"]["types"]}


async def test_post_petition_costs_the_same_statements_for_any_number_of_posts(
    hub: Starlette, gql: GraphQLClient, sql_counter: SQLCounter
) -> None:
    counts = []
    for size in (2, 12):
        await Petition.all().delete()
        await Post.all().delete()
        for n in range(size):
            post = await factories.post(f"post-{n}")
            if n % 2 == 0:  # every other post campaigns for a petition
                await Petition.create(slug=f"petition-{n}", title=f"Petition {n}", post=post)
        sql_counter.reset()
        page = await gql.data("{ posts(first: 50) { edges { node { slug petition { slug } } } } }")
        petitions_shown = {
            edge["node"]["slug"]: (edge["node"]["petition"] or {}).get("slug")
            for edge in page["posts"]["edges"]
        }
        assert petitions_shown["post-0"] == "petition-0"
        assert petitions_shown["post-1"] is None
        counts.append(sql_counter.count)
    assert counts == [2, 2], sql_counter.statements  # the page of posts, then their petitions


async def test_export_then_import_carries_petitions_with_their_ids(
    hub: Starlette, gql: GraphQLClient
) -> None:
    await factories.section(slug="wilpf-spain")
    await factories.theme(slug="disarmament")
    await factories.post("why-sign")
    await sign_in(hub, gql, "petitions:write")
    made = await create_petition(
        gql,
        section=(await gql.data('{ section(slug: "wilpf-spain") { id } }'))["section"]["id"],
        post=(await gql.data('{ post(slug: "why-sign") { id } }'))["post"]["id"],
        themes=[(await gql.data('{ theme(slug: "disarmament") { id } }'))["theme"]["id"]],
        contactEmail="organiser@example.org",
        goal=500,
        openedAt="2030-01-01T10:00:00+01:00",
    )
    types, pm = hub.state.hub.content_types, hub.state.hub.plugin_manager
    first = dump_json(await export_content(types))
    [record] = json.loads(first)["petitions"]
    assert record | {"id": "…"} == {
        "id": "…", "slug": "ban-the-bomb", "title": "Ban the bomb", "demand": "", "goal": 500,
        "section": "wilpf-spain", "post": "why-sign", "contact_email": "organiser@example.org",
        "opened_at": "2030-01-01T09:00:00Z", "themes": ["disarmament"],
    }  # fmt: skip
    for model in (Petition, Post, Theme, Section):
        await model.all().delete()

    await import_content(pm, json.loads(first))

    assert dump_json(await export_content(types)) == first
    node = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Petition { slug post { slug } } } }",
        {"id": made["id"]},
    )
    assert node == {"node": {"slug": "ban-the-bomb", "post": {"slug": "why-sign"}}}


def test_the_command_writes_every_signature_as_csv(tmp_path: Path, database_url: str) -> None:
    hub = hub_cli([petitions], tmp_path, database_url=database_url)

    async def add_signatures() -> None:
        petition = await Petition.create(slug="ban-the-bomb", title="Ban the bomb")
        await Signature.create(petition=petition, name='Ada, "the" signer', email="ada@example.org")
        await Signature.create(petition=petition, name="Ben", email="ben@example.org")

    hub.run_in_database(add_signatures)
    result = hub.invoke("petitions-signatures")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert [row[:3] for row in rows] == [
        ["petition", "name", "email"],
        ["ban-the-bomb", 'Ada, "the" signer', "ada@example.org"],
        ["ban-the-bomb", "Ben", "ben@example.org"],
    ]
    assert rows[0][3] == "signed_at"
    assert datetime.fromisoformat(rows[1][3]).tzinfo is not None
    exported = hub.invoke("export")
    assert exported.exit_code == 0, exported.output
    assert [p["slug"] for p in json.loads(exported.stdout)["petitions"]] == ["ban-the-bomb"]
    assert "ada@example.org" not in exported.stdout  # signatures are not content
