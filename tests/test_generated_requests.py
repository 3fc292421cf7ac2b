"""Generated queries and mutations: nothing a client sends is a server error.

hypothesis-graphql writes documents for every root field of the real schema (the hub with all
first-party plugins), with arguments of every shape the schema allows: empty and malformed slugs,
huge numbers, odd Unicode. Each goes over HTTP to the app on a migrated database holding the demo
content. A client's mistake must come back as a GraphQL error; what fails the test is an answer
only a server fault gives: HTTP 5xx, a masked "Internal server error", or an error logged with
its traceback.

The seed is fixed (``derandomize``), so a failure names the same document on every run; the app
and database are built once per backend.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import graphql
import httpx
import pytest
from asgi_lifespan import LifespanManager
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import mutations, nodes, queries
from tortoise.backends.base.executor import EXECUTOR_CACHE

from hub.access.models import Role, User
from hub.access.scopes import scope_catalogue
from hub.access.tokens import issue_token
from hub.app import create_app
from hub.content.demo import load_demo
from hub.database import apply_migrations
from hub.graphql.safety import MASKED_MESSAGE
from hub.graphql.schema import exported_sdl
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from tests.first_party import first_party_plugins

#: Examples per backend: about 20 s of requests on each (SQLite and PostgreSQL).
EXAMPLES = 800

CUSTOM_SCALARS: dict[str, st.SearchStrategy[graphql.ValueNode]] = {
    "DateTime": st.one_of(
        st.datetimes(timezones=st.sampled_from([UTC, None])).map(datetime.isoformat),
        st.text(max_size=30),
    ).map(nodes.String),
    "MinorUnits": st.integers().map(nodes.Int),
    "JSON": st.one_of(st.integers(), st.text(max_size=20)).map(nodes.String),
    # A file comes only in a multipart request: anything written in a document is a mistake the
    # client must be told about, not a fault.
    "Upload": st.one_of(st.text(max_size=20).map(nodes.String), st.integers().map(nodes.Int)),
}


class ServerFaults(logging.Handler):
    """Errors the hub logs with a traceback: server faults, never a client's mistakes."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class RunningHub:
    """The app on its own event loop, for hypothesis's synchronous examples."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.runner = asyncio.Runner()
        self.sent = 0

    def __enter__(self) -> RunningHub:
        self.runner.__enter__()
        self.runner.run(self._start())
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.runner.run(self._stop())
        self.runner.__exit__(*exc_info)

    async def _start(self) -> None:
        EXECUTOR_CACHE.clear()
        pm = get_plugin_manager(extra_plugins=first_party_plugins(), load_entry_points=False)
        await apply_migrations(pm, self.settings)
        self.app = create_app(self.settings, pm)
        self.lifespan = LifespanManager(self.app)
        await self.lifespan.__aenter__()
        await load_demo(pm, self.settings)
        user = await User.create(
            email="admin@example.org", role=Role.ADMIN, password_hash="unused in this test"
        )
        catalogue = scope_catalogue(pm)
        issued = await issue_token(user, catalogue.for_role(Role.ADMIN), catalogue)
        self.admin = {"authorization": f"Bearer {issued.token}"}
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app, raise_app_exceptions=False),
            base_url="http://hub.test",
        )
        # The SDL the app serves, as the generators read it.
        self.schema = graphql.build_schema(exported_sdl(self.app.state.hub.built.schema))

    async def _stop(self) -> None:
        await self.http.aclose()
        await self.lifespan.__aexit__(None, None, None)

    def post(self, document: str, as_admin: bool) -> httpx.Response:
        self.sent += 1
        headers = self.admin if as_admin else {}
        return self.runner.run(
            self.http.post("/graphql", json={"query": document}, headers=headers)
        )


@pytest.fixture
def running_hub(database_url: str, tmp_path: Path) -> Iterator[RunningHub]:
    settings = Settings(data_dir=tmp_path, database_url=database_url)
    with RunningHub(settings) as hub:
        yield hub


def documents(schema: graphql.GraphQLSchema) -> st.SearchStrategy[tuple[str, bool]]:
    """A query for one root field (every field is as likely), or a mutation; and who sends it."""
    query_fields = sorted(schema.query_type.fields) if schema.query_type else []
    mutation_fields = sorted(schema.mutation_type.fields) if schema.mutation_type else []
    by_query = st.sampled_from(query_fields).flatmap(
        lambda name: queries(schema, fields=[name], custom_scalars=CUSTOM_SCALARS)
    )
    by_mutation = st.sampled_from(mutation_fields).flatmap(
        lambda name: mutations(schema, fields=[name], custom_scalars=CUSTOM_SCALARS)
    )
    return st.tuples(
        st.one_of(by_query, by_mutation),
        st.booleans(),
    )


def server_faults_in(response: httpx.Response, logged: list[str]) -> list[str]:
    faults = [f"HTTP {response.status_code}"] if response.status_code >= 500 else []
    if response.headers.get("content-type", "").startswith("application/"):
        for error in response.json().get("errors") or []:
            if error.get("message") == MASKED_MESSAGE or "Internal server error" in str(error):
                faults.append(f"masked: {error}")
    faults += [f"logged: {message}" for message in logged]
    return faults


def test_no_generated_request_is_a_server_error(running_hub: RunningHub) -> None:
    hub = running_hub
    logged = ServerFaults()
    logging.getLogger().addHandler(logged)

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(documents(hub.schema))
    def sends(case: tuple[str, bool]) -> None:
        document, as_admin = case
        logged.messages.clear()
        response = hub.post(document, as_admin)
        faults = server_faults_in(response, logged.messages)
        assert not faults, f"{document}\n{faults}\n{response.text[:2000]}"

    try:
        sends()
    finally:
        logging.getLogger().removeHandler(logged)
    print(f"{hub.sent} generated requests sent")
