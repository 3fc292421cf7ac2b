"""A plugin's content type, declared once (tests/petitions/plugin.py), gets the GraphQL
API the core's types have: a Node type, a connection with filter and orderBy, the lookup by slug,
and create/update/delete mutations with version conflicts, audit entries and scope checks."""

from __future__ import annotations

import base64
from itertools import count
from typing import Any

import pytest

from hub.access.models import AuditEntry, Role, User
from hub.access.scopes import scope_catalogue
from hub.access.tokens import issue_token
from hub.plugins import get_plugin_manager
from tests import factories
from tests.conftest import GraphQLClient, SQLCounter
from tests.petitions import plugin as petitions_plugin
from tests.petitions.plugin import Petition

_accounts = count(1)


@pytest.fixture
def extra_plugins() -> list[object]:
    return [petitions_plugin]


async def sign_in_with(*scopes: str) -> dict[str, str]:
    """A bearer header for a new editor holding exactly ``scopes`` (the plugin's are known)."""
    user = await User.create(
        email=f"petitioner-{next(_accounts)}@example.org",
        role=Role.EDITOR,
        password_hash="unused in these tests",
    )
    pm = get_plugin_manager(extra_plugins=[petitions_plugin], load_entry_points=False)
    issued = await issue_token(user, scopes, scope_catalogue(pm))
    return {"authorization": f"Bearer {issued.token}"}


CREATE = """
mutation($input: CreatePetitionInput!) {
  createPetition(input: $input) {
    petition { id slug title demand goal version section { slug } }
    errors { field message code }
  }
}"""
UPDATE = """
mutation($input: UpdatePetitionInput!) {
  updatePetition(input: $input) { petition { title version } errors { field message code } }
}"""
DELETE = """
mutation($input: DeleteInput!) { deletePetition(input: $input) { deletedId errors { field code } } }
"""


def gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


async def create(gql: GraphQLClient, **fields: Any) -> dict[str, Any]:
    data = await gql.data(CREATE, {"input": {"slug": "clean-air", "title": "Clean air", **fields}})
    payload: dict[str, Any] = data["createPetition"]
    return payload


async def test_created_petitions_are_listed_filtered_sorted_and_found_by_slug_and_id(
    gql: GraphQLClient,
) -> None:
    berlin = await factories.section(slug="berlin")
    gql.headers.update(await sign_in_with("petitions:write"))
    made = await create(
        gql,
        demand="<p>Now<script>alert(1)</script></p>",
        goal=5000,
        section=gid("Section", berlin.id),
        contactEmail="organiser@example.org",
    )
    assert made["errors"] == []
    petition = made["petition"]
    # The demand is sanitised on the way in; the private email is stored, never served.
    assert petition == {
        "id": petition["id"], "slug": "clean-air", "title": "Clean air",
        "demand": "<p>Now</p>", "goal": 5000, "version": 1, "section": {"slug": "berlin"},
    }  # fmt: skip
    assert (await Petition.get(slug="clean-air")).contact_email == "organiser@example.org"
    assert (await create(gql, slug="trees", title="Trees", goal=300))["errors"] == []
    gql.headers.clear()

    listed = await gql.data(
        "{ petitions(orderBy: {field: GOAL, direction: DESC})"
        " { totalCount edges { node { slug } } } }"
    )
    assert listed["petitions"]["totalCount"] == 2
    assert [edge["node"]["slug"] for edge in listed["petitions"]["edges"]] == ["clean-air", "trees"]
    narrowed = await gql.data('{ petitions(filter: {section: "berlin"}) { totalCount } }')
    assert narrowed["petitions"]["totalCount"] == 1
    found = await gql.data(
        '{ petition(slug: "trees") { title } none: petition(slug: "nope") { id } }'
    )
    assert found == {"petition": {"title": "Trees"}, "none": None}
    node = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Petition { slug } } }", {"id": petition["id"]}
    )
    assert node == {"node": {"slug": "clean-air"}}
    hidden = await gql.error('{ petition(slug: "trees") { contactEmail } }')
    assert "Cannot query field 'contactEmail' on type 'Petition'" in hidden


async def test_a_malformed_slug_is_the_clients_mistake(gql: GraphQLClient) -> None:
    body = await gql.query('{ petition(slug: "Not A Slug") { id } }')
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == "slug"
    assert error["message"].startswith("slug: ")


async def test_invalid_fields_are_all_reported_and_nothing_is_written(gql: GraphQLClient) -> None:
    gql.headers.update(await sign_in_with("petitions:write"))
    refused = await create(gql, title="x" * 201, goal=0, section=gid("Section", 999))
    assert refused["petition"] is None
    assert {(e["field"], e["code"]) for e in refused["errors"]} == {
        ("title", "TOO_LONG"), ("goal", "INVALID"), ("section", "NOT_FOUND"),
    }  # fmt: skip
    assert await Petition.all().count() == 0
    assert await AuditEntry.all().count() == 0


async def test_a_stale_version_is_a_conflict_and_every_change_is_audited(
    gql: GraphQLClient,
) -> None:
    gql.headers.update(await sign_in_with("petitions:write"))
    made = (await create(gql))["petition"]
    changed = await gql.data(UPDATE, {"input": {"id": made["id"], "version": 1, "title": "Mine"}})
    assert changed["updatePetition"] == {"petition": {"title": "Mine", "version": 2}, "errors": []}
    stale = await gql.data(UPDATE, {"input": {"id": made["id"], "version": 1, "title": "Theirs"}})
    assert stale["updatePetition"]["petition"] is None
    assert [(e["field"], e["code"]) for e in stale["updatePetition"]["errors"]] == [
        ("version", "CONFLICT")
    ]
    assert (await Petition.get(slug="clean-air")).title == "Mine"
    stale_delete = await gql.data(DELETE, {"input": {"id": made["id"], "version": 1}})
    assert stale_delete["deletePetition"] == {
        "deletedId": None, "errors": [{"field": "version", "code": "CONFLICT"}],
    }  # fmt: skip
    deleted = await gql.data(DELETE, {"input": {"id": made["id"], "version": 2}})
    assert deleted["deletePetition"] == {"deletedId": made["id"], "errors": []}
    assert await Petition.all().count() == 0
    entries = await AuditEntry.all().order_by("id").values("action", "type_name", "object_slug")
    assert entries == [
        {"action": "petition.create", "type_name": "Petition", "object_slug": "clean-air"},
        {"action": "petition.update", "type_name": "Petition", "object_slug": "clean-air"},
        {"action": "petition.delete", "type_name": "Petition", "object_slug": "clean-air"},
    ]


async def test_mutations_need_the_scope_the_type_declares(gql: GraphQLClient) -> None:
    anonymous = await gql.query(CREATE, {"input": {"slug": "a", "title": "A"}})
    assert anonymous["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "petitions:write" in anonymous["errors"][0]["message"]
    gql.headers.update(await sign_in_with("content:write"))
    editor = await gql.query(CREATE, {"input": {"slug": "a", "title": "A"}})
    assert editor["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await Petition.all().count() == 0


async def test_a_page_with_sections_costs_the_same_statements_for_any_size(
    gql: GraphQLClient, sql_counter: SQLCounter
) -> None:
    sections = [await factories.section() for _ in range(3)]
    counts = []
    for size in (2, 12):
        await Petition.all().delete()
        for n in range(size):
            await Petition.create(slug=f"p-{n}", title=f"P {n}", section=sections[n % 3])
        sql_counter.reset()
        page = await gql.data(
            "{ petitions(first: 50) { totalCount edges { node { slug section { name } } } } }"
        )
        assert len(page["petitions"]["edges"]) == size
        assert all(edge["node"]["section"] for edge in page["petitions"]["edges"])
        counts.append(sql_counter.count)
    # the page, the count, the sections of the whole page
    assert counts == [3, 3], sql_counter.statements
