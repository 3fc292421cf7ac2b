"""API tokens: a bad one is a 401 saying why, a good one is an actor with its scopes."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import httpx
import pytest

from hub.access.models import ApiToken, Role, User
from hub.access.scopes import Scope, scope_catalogue
from hub.access.tokens import issue_token, revoke_token
from hub.content.models import Person
from hub.hookimpl import hookimpl
from hub.plugins import get_plugin_manager
from tests.conftest import GraphQLClient, SQLCounter

_accounts = count(1)


async def sign_in(
    role: Role, scopes: Iterable[str] | None = None, person: Person | None = None, **token: Any
) -> str:
    """A token for a new account of ``role``: all of the role's scopes unless given."""
    user = await User.create(
        email=f"{role.value}-{next(_accounts)}@example.org",
        role=role,
        password_hash="unused in these tests",
        person=person,
    )
    catalogue = scope_catalogue(get_plugin_manager(load_entry_points=False))
    wanted = catalogue.for_role(role) if scopes is None else scopes
    issued = await issue_token(user, wanted, catalogue, **token)
    return issued.token


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


VIEWER = "{ viewer { email role scopes tokenPrefix } }"


async def test_a_valid_token_makes_the_request_its_account(
    gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    token = await sign_in(Role.EDITOR)
    assert (await gql.data(VIEWER))["viewer"] is None
    gql.headers.update(bearer(token))
    viewer = (await gql.data(VIEWER))["viewer"]
    assert viewer["role"] == "editor"
    assert viewer["scopes"] == [
        "content:publish", "content:read-drafts", "content:write", "content:write-own",
    ]  # fmt: skip
    assert token.startswith(viewer["tokenPrefix"])
    stored = await ApiToken.get(prefix=viewer["tokenPrefix"])
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert stored.last_used_at is not None


async def refused(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    response = await client.post("/graphql", json={"query": "{ themes { slug } }"}, headers=headers)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    message: str = body["errors"][0]["message"]
    return message


async def test_an_unknown_token_is_refused_with_401(client: httpx.AsyncClient) -> None:
    message = await refused(client, bearer("hub_not-a-real-token"))
    assert message == "The API token is not valid."


async def test_a_header_that_is_not_a_bearer_token_is_refused(client: httpx.AsyncClient) -> None:
    message = await refused(client, {"authorization": "Basic dXNlcjpwYXNz"})
    assert "must be `Bearer <token>`" in message
    assert "Bearer <token>" in await refused(client, {"authorization": "Bearer "})


async def test_an_expired_token_is_refused_with_401(client: httpx.AsyncClient) -> None:
    token = await sign_in(Role.EDITOR, expires_in=timedelta(hours=1))
    await ApiToken.filter(prefix=token[:12]).update(
        expires_at=datetime.now(UTC) - timedelta(minutes=1)
    )
    assert "expired on" in await refused(client, bearer(token))


async def test_a_revoked_token_is_refused_with_401(client: httpx.AsyncClient) -> None:
    token = await sign_in(Role.EDITOR)
    await revoke_token(token[:12])
    assert f"The API token {token[:12]}... was revoked on" in await refused(client, bearer(token))


async def test_a_disabled_account_cannot_use_its_tokens(client: httpx.AsyncClient) -> None:
    token = await sign_in(Role.EDITOR)
    await User.filter(tokens__prefix=token[:12]).update(is_active=False)
    assert "is disabled" in await refused(client, bearer(token))


async def test_a_token_without_the_scope_gets_an_error_naming_it(gql: GraphQLClient) -> None:
    gql.headers.update(bearer(await sign_in(Role.EDITOR, scopes=["content:read-drafts"])))
    body = await gql.query(
        'mutation { createTheme(input: {slug: "x", name: "X"}) { errors { code } } }'
    )
    assert body["data"] is None
    error = body["errors"][0]
    assert error["message"] == (
        "`createTheme` needs the scope `content:write`, which this token does not have."
    )
    assert error["extensions"]["code"] == "FORBIDDEN"


async def test_anonymous_is_told_to_send_a_token(gql: GraphQLClient) -> None:
    message = await gql.error("{ auditLog { totalCount } }")
    assert message == (
        "`auditLog` needs an API token with the scope `audit:read`: "
        "send it as `Authorization: Bearer <token>`."
    )


async def test_a_token_never_holds_more_than_its_role_allows(gql: GraphQLClient) -> None:
    user = await User.create(email="partner@example.org", role=Role.PARTNER, password_hash="-")
    catalogue = scope_catalogue(get_plugin_manager(load_entry_points=False))
    with pytest.raises(ValueError, match="the partner role may not hold the scope 'content:write'"):
        await issue_token(user, ["content:write"], catalogue)
    with pytest.raises(ValueError, match="unknown scope 'content:wirte'"):
        await issue_token(user, ["content:wirte"], catalogue)
    # An editor demoted to partner loses the scopes partners may not hold, at once.
    token = await sign_in(Role.EDITOR)
    await User.filter(tokens__prefix=token[:12]).update(role=Role.PARTNER)
    gql.headers.update(bearer(token))
    assert (await gql.data(VIEWER))["viewer"]["scopes"] == ["content:read-drafts"]


class DonationsScopes:
    """A plugin declaring a scope of its own, the way the donations plugin does."""

    __name__ = "donations-scopes"

    @staticmethod
    @hookimpl
    def register_scopes() -> list[Scope]:
        return [Scope("donations:read-private", "See donors' details.")]


def test_plugins_declare_scopes_that_only_admins_hold_by_default() -> None:
    pm = get_plugin_manager(extra_plugins=[DonationsScopes()], load_entry_points=False)
    catalogue = scope_catalogue(pm)
    assert "donations:read-private" in catalogue.for_role(Role.ADMIN)
    assert "donations:read-private" not in catalogue.for_role(Role.EDITOR)


async def test_a_token_costs_one_statement_per_request(
    gql: GraphQLClient, sql_counter: SQLCounter
) -> None:
    gql.headers.update(bearer(await sign_in(Role.PARTNER)))
    await gql.data("{ themes { slug } }")  # the first use records last_used_at
    sql_counter.reset()
    await gql.data("{ themes { slug } }")
    assert sql_counter.count == 2, sql_counter.statements  # the token, then the themes
    assert "access_api_token" in sql_counter.statements[0]
