"""Search, as a visitor and a frontend developer see it, on SQLite FTS5 and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import hub_search.plugin
import pytest
from hub_search.backends import current_backend
from hub_search.backends import postgres as postgres_backend
from hub_search.backends.base import SearchFilters, SearchRequest
from hub_search.backends.pg_queries import tsquery_literal, tsquery_text
from hub_search.backends.postgres import PostgresBackend
from hub_search.backends.sqlite import CACHE_KIB, SQLiteBackend
from hub_search.engine import ENGINE_NAME, SearchEngine
from hub_search.indexer import reindex
from hub_search.query import SearchQuery, Term, parse_query
from hub_search.status import index_status
from starlette.applications import Starlette
from tortoise import connections
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.exceptions import OperationalError

from hub.content.models import Post
from hub.content.transfer import import_content
from hub.database import apply_migrations, open_database
from hub.events import ContentEvent, EventKind, dispatch_content_events
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from tests.conftest import GraphQLClient, SQLCounter, only_postgres, only_sqlite
from tests.plugin_helpers import make_plugin

LONG_AGO = "2020-03-01T10:00:00+00:00"


class ReadsDrafts:
    def has_scope(self, scope: str) -> bool:
        return scope == "content:read-drafts"


def editor_from_header(request: Any) -> Callable[[], Any] | None:
    if request.headers.get("x-test-actor") != "editor":
        return None

    async def actor() -> ReadsDrafts:
        return ReadsDrafts()

    return actor


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_search.plugin, make_plugin("test-auth", actor_from_request=editor_from_header)]


@pytest.fixture
async def hub(app: Starlette) -> Starlette:
    """The app with the search tables (tests build tables from models, not migrations)."""
    await current_backend().create_schema()
    return app


def post(slug: str, title: str, body: str = "", **fields: Any) -> dict[str, Any]:
    return {
        "slug": slug,
        "title": title,
        "body": f"<p>{body}</p>",
        "status": "published",
        "published_at": LONG_AGO,
        **fields,
    }


CONTENT: dict[str, Any] = {
    "sections": [
        {"slug": "wilpf-germany", "name": "WILPF Germany", "country_code": "DE",
         "description": "The German section works for disarmament."},
        {"slug": "wilpf-spain", "name": "WILPF Spain", "country_code": "ES"},
    ],
    "people": [
        {"slug": "heidi-burgisser", "name": "Heidi Bürgisser", "role": "President",
         "bio": "Peace activist from Zurich.", "section": "wilpf-germany"},
        {"slug": "ana-lopez", "name": "Ana López", "role": "Board member",
         "section": "wilpf-spain"},
    ],
    "themes": [
        {"slug": "disarmament", "name": "Disarmament"},
        {"slug": "climate", "name": "Climate"},
    ],
    "posts": [
        post("nuclear-ban", "The nuclear weapons ban treaty",
             "Women campaigned for the treaty on the prohibition of nuclear weapons.",
             themes=["disarmament"], sections=["wilpf-germany"], authors=["heidi-burgisser"]),
        post("arms-trade", "Stop the arms trade",
             "The arms trade fuels war. Women in Spain protest against weapons exports.",
             themes=["disarmament"], sections=["wilpf-spain"], language="es"),
        post("climate-justice", "Climate justice is peace",
             "Militarism harms the climate; women lead the response.",
             themes=["climate"], published_at="2024-05-01T10:00:00+00:00"),
        post("secret-draft", "Draft about weapons",
             "Unpublished plans about weapons.", status="draft", published_at=""),
        post("future-post", "Scheduled weapons statement", "Coming later.",
             status="scheduled", published_at="2099-01-01T00:00:00+00:00"),
    ],
}  # fmt: skip


@pytest.fixture
async def content(hub: Starlette) -> Starlette:
    await import_content(hub.state.hub.plugin_manager, CONTENT)
    return hub


SEARCH = """
query Search($q: String!, $types: [String!], $filter: SearchFilter, $first: Int, $after: String) {
  search(query: $q, types: $types, filter: $filter, first: $first, after: $after) {
    totalCount
    edges {
      cursor score titleHighlight snippets
      node {
        __typename
        ... on Post { slug }
        ... on Person { slug }
        ... on Section { slug }
      }
    }
    pageInfo { hasNextPage endCursor }
    facets {
      exhaustive
      types { value count }
      themes { value label count }
      sections { value count }
    }
  }
}
"""


async def search(gql: GraphQLClient, q: str, **variables: Any) -> dict[str, Any]:
    data = await gql.data(SEARCH, {"q": q, **variables})
    result: dict[str, Any] = data["search"]
    return result


def slugs(result: dict[str, Any]) -> list[str]:
    return [edge["node"]["slug"] for edge in result["edges"]]


async def test_all_words_must_match_with_scores_and_highlighted_snippets(
    content: Starlette, gql: GraphQLClient
) -> None:
    result = await search(gql, "women weapons")
    assert sorted(slugs(result)) == ["arms-trade", "nuclear-ban"]
    assert result["totalCount"] == 2
    best = result["edges"][0]
    assert best["score"] > 0
    assert "<mark>" in best["snippets"][0]
    nuclear = next(e for e in result["edges"] if e["node"]["slug"] == "nuclear-ban")
    assert nuclear["titleHighlight"] == "The nuclear <mark>weapons</mark> ban treaty"


async def test_a_title_match_ranks_above_a_body_match(
    content: Starlette, gql: GraphQLClient
) -> None:
    result = await search(gql, "climate")
    assert slugs(result)[0] == "climate-justice"


async def test_accents_and_case_are_ignored(content: Starlette, gql: GraphQLClient) -> None:
    result = await search(gql, "BURGISSER", types=["Person"])
    assert [(e["node"]["__typename"], e["node"]["slug"]) for e in result["edges"]] == [
        ("Person", "heidi-burgisser")
    ]
    assert result["edges"][0]["titleHighlight"] == "Heidi <mark>Bürgisser</mark>"
    assert slugs(await search(gql, "lopez")) == ["ana-lopez"]


async def test_phrases_keep_word_order_and_minus_excludes(
    content: Starlette, gql: GraphQLClient
) -> None:
    assert slugs(await search(gql, '"arms trade"')) == ["arms-trade"]
    assert slugs(await search(gql, '"trade arms"')) == []
    assert sorted(slugs(await search(gql, "women -spain"))) == ["climate-justice", "nuclear-ban"]
    assert "arms-trade" not in slugs(await search(gql, "weapons -trade"))


async def test_words_of_five_letters_or_more_tolerate_one_typo(
    content: Starlette, gql: GraphQLClient
) -> None:
    assert slugs(await search(gql, "nuclaer treaty")) == ["nuclear-ban"]  # swapped letters
    assert slugs(await search(gql, "nuclear tretay")) == ["nuclear-ban"]
    assert slugs(await search(gql, "nucler")) == ["nuclear-ban"]  # a letter missing
    # Four letters are too short to guess: "wat" stays "wat", "wae" is not "war".
    assert slugs(await search(gql, "wae")) == []
    # Two edits are not one.
    assert slugs(await search(gql, "nulcaer")) == []


async def test_anonymous_clients_never_find_drafts_or_posts_scheduled_later(
    content: Starlette, gql: GraphQLClient
) -> None:
    result = await search(gql, "weapons")
    assert sorted(slugs(result)) == ["arms-trade", "nuclear-ban"]
    assert result["totalCount"] == 2
    assert {f["value"]: f["count"] for f in result["facets"]["types"]} == {"Post": 2}
    suggestions = await gql.data('{ searchSuggest(prefix: "draft") { text } }')
    assert suggestions["searchSuggest"] == []


async def test_readers_of_drafts_find_them(content: Starlette, gql: GraphQLClient) -> None:
    gql.headers["x-test-actor"] = "editor"
    result = await search(gql, "weapons")
    assert sorted(slugs(result)) == ["arms-trade", "future-post", "nuclear-ban", "secret-draft"]


async def test_a_scheduled_post_is_found_once_its_time_has_come(
    hub: Starlette, gql: GraphQLClient
) -> None:
    soon = datetime.now(UTC) + timedelta(seconds=1.5)
    document = {"posts": [post("soon", "Ceasefire statement", status="scheduled",
                               published_at=soon.isoformat())]}  # fmt: skip
    await import_content(hub.state.hub.plugin_manager, document)
    assert slugs(await search(gql, "ceasefire")) == []
    await asyncio.sleep((soon - datetime.now(UTC)).total_seconds() + 0.2)
    # No event, no job: the time passing is enough.
    assert slugs(await search(gql, "ceasefire")) == ["soon"]


async def test_the_index_follows_updates_unpublishing_and_deletion(
    content: Starlette, gql: GraphQLClient
) -> None:
    pm = content.state.hub.plugin_manager
    renamed = {"posts": [post("nuclear-ban", "Treaty enters into force", "Ratified at last.")]}
    await import_content(pm, renamed)
    assert slugs(await search(gql, "ratified")) == ["nuclear-ban"]
    assert slugs(await search(gql, "prohibition")) == []

    unpublished = {"posts": [post("nuclear-ban", "Treaty enters into force", status="draft")]}
    await import_content(pm, unpublished)
    assert slugs(await search(gql, "treaty")) == []

    stored = await Post.get(slug="arms-trade")
    await stored.delete()
    await dispatch_content_events(
        pm, [ContentEvent(EventKind.POST_DELETED, "Post", stored.id, "arms-trade")]
    )
    gql.headers["x-test-actor"] = "editor"
    assert slugs(await search(gql, "arms")) == []


async def test_people_and_sections_follow_their_events(
    content: Starlette, gql: GraphQLClient
) -> None:
    pm = content.state.hub.plugin_manager
    moved = {"people": [{"slug": "ana-lopez", "name": "Ana Lopez-Ortega", "role": "Treasurer"}]}
    await import_content(pm, moved)
    assert slugs(await search(gql, "ortega treasurer")) == ["ana-lopez"]
    renamed = {"sections": [{"slug": "wilpf-spain", "name": "WILPF España", "country_code": "ES"}]}
    await import_content(pm, renamed)
    assert slugs(await search(gql, "espana", types=["Section"])) == ["wilpf-spain"]


async def test_filters_narrow_results_and_facets_count_them(
    content: Starlette, gql: GraphQLClient
) -> None:
    everything = await search(gql, "women")
    facets = everything["facets"]
    assert facets["exhaustive"] is True
    assert {f["value"]: f["count"] for f in facets["types"]} == {"Post": 3}
    assert {(f["value"], f["label"], f["count"]) for f in facets["themes"]} == {
        ("disarmament", "Disarmament", 2),
        ("climate", "Climate", 1),
    }
    assert {f["value"]: f["count"] for f in facets["sections"]} == {
        "wilpf-germany": 1,
        "wilpf-spain": 1,
    }
    by_theme = await search(gql, "women", filter={"theme": "climate"})
    assert slugs(by_theme) == ["climate-justice"]
    assert sorted(slugs(await search(gql, "women", filter={"theme": "disarmament"}))) == [
        "arms-trade",
        "nuclear-ban",
    ]
    assert slugs(await search(gql, "women", filter={"language": "es"})) == ["arms-trade"]
    recent = await search(gql, "women", filter={"publishedAfter": "2023-01-01T00:00:00Z"})
    assert slugs(recent) == ["climate-justice"]
    in_spain = await search(gql, "wilpf spain", filter={"section": "wilpf-spain"})
    assert slugs(in_spain) == []  # the section itself is not "in" itself; nothing else says it
    people = await search(gql, "board", filter={"section": "wilpf-spain"})
    assert slugs(people) == ["ana-lopez"]


async def test_types_narrow_results_and_unknown_types_are_named(
    content: Starlette, gql: GraphQLClient
) -> None:
    mixed = await search(gql, "disarmament")
    assert {e["node"]["__typename"] for e in mixed["edges"]} == {"Section"}
    message = await gql.error(SEARCH, {"q": "peace", "types": ["Post", "Planet"]})
    assert "'Planet'" in message
    assert "Post, Person, Section" in message


async def test_pages_follow_the_end_cursor(content: Starlette, gql: GraphQLClient) -> None:
    first = await search(gql, "women", first=2)
    assert len(first["edges"]) == 2
    assert first["pageInfo"]["hasNextPage"] is True
    second = await search(gql, "women", first=2, after=first["pageInfo"]["endCursor"])
    assert len(second["edges"]) == 1
    assert second["pageInfo"]["hasNextPage"] is False
    assert set(slugs(first)) | set(slugs(second)) == {
        "nuclear-ban",
        "arms-trade",
        "climate-justice",
    }
    message = await gql.error(SEARCH, {"q": "women", "after": "not-a-cursor"})
    assert "`after` is not a cursor of search results" in message
    message = await gql.error(SEARCH, {"q": "women", "first": 500})
    assert "at most 100" in message


async def test_a_page_with_facets_is_one_search_that_agrees_with_separate_ones(
    content: Starlette, gql: GraphQLClient
) -> None:
    facets_only = await gql.data(
        'query($f: Int) { search(query: "women", first: $f) { edges { cursor } '
        "facets { exhaustive types { value count } themes { value label count } "
        "sections { value count } } } }",
        {"f": 0},
    )
    assert facets_only["search"]["edges"] == []
    assert facets_only["search"]["facets"] == (await search(gql, "women"))["facets"]
    backend = current_backend()
    engine = content.state.hub.plugin_manager.get_plugin(ENGINE_NAME)
    sources = engine.facet_sources(engine.searchables())
    for text, filters, offset in [
        ("women", SearchFilters(types=("Post", "Person", "Section"), every_type=True), 0),
        ("women", SearchFilters(types=("Post", "Person", "Section"), every_type=True), 1),
        ("board", SearchFilters(types=("Person", "Section"), section="wilpf-spain"), 0),
        ("nothing-like-this", SearchFilters(types=("Post",)), 0),
    ]:
        request = SearchRequest(
            parse_query(text), filters, include_unpublished=False, now=datetime.now(UTC),
            rank_window=1000, sources=sources,
        )  # fmt: skip
        hits, counts = await backend.page_and_facets(request, 2, offset)
        assert hits == await backend.page(request, 2, offset)
        assert counts == await backend.facets(request)
        # Three posts mention women: two on the first page, the last two from offset 1.
        assert len(hits) == {"women": 2, "board": 1}.get(text, 0)


async def test_beyond_the_rank_window_facets_say_they_count_only_the_newest_matches(
    content: Starlette,
) -> None:
    backend = current_backend()
    engine = content.state.hub.plugin_manager.get_plugin(ENGINE_NAME)
    sources = engine.facet_sources(engine.searchables())

    def women(rank_window: int) -> SearchRequest:
        return SearchRequest(
            parse_query("women"), SearchFilters(types=("Post", "Person", "Section"),
            every_type=True), include_unpublished=False, now=datetime.now(UTC),
            rank_window=rank_window, sources=sources,
        )  # fmt: skip

    # Three posts mention women; a window of two ranks and counts the two indexed last.
    hits, counts = await backend.page_and_facets(women(2), 10, 0)
    assert sorted(hit.pk for hit in hits) == sorted(
        await Post.filter(slug__in=["arms-trade", "climate-justice"]).values_list("id", flat=True)
    )
    assert counts.exhaustive is False
    assert counts.types == [("Post", "Post", 2)]
    assert counts.themes == [("climate", "Climate", 1), ("disarmament", "Disarmament", 1)]
    assert counts == await backend.facets(women(2))
    assert await backend.count(women(2)) == 3  # totalCount counts every match
    assert await backend.page(women(2), 10, 2) == []  # no pages beyond the window
    # A window that holds every match, even exactly, is exhaustive.
    hits, counts = await backend.page_and_facets(women(3), 10, 0)
    assert len(hits) == 3
    assert counts.exhaustive is True
    assert counts.types == [("Post", "Post", 3)]
    assert counts.themes == [("disarmament", "Disarmament", 2), ("climate", "Climate", 1)]


async def test_the_sqlite_connection_keeps_a_cache_for_the_index(
    content: Starlette, settings: Settings
) -> None:
    rows = await connections.get("default").execute_query_dict(
        "PRAGMA cache_size" if settings.is_sqlite else "SELECT 1 AS cache_size"
    )
    assert rows[0]["cache_size"] == (-CACHE_KIB if settings.is_sqlite else 1)


@only_postgres
async def test_the_postgres_tsquery_written_into_the_statement_is_the_one_parsed(
    content: Starlette, settings: Settings
) -> None:
    query = SearchQuery((Term(("it's",)), Term(("arms", "trade"), prefix=True)), (Term(("x",)),))
    rows = await connections.get("default").execute_query_dict(
        f"SELECT {tsquery_literal(query)}::text AS written, "
        "to_tsquery('hub_search', $1)::text AS parsed",
        [tsquery_text(query)],
    )
    assert rows[0]["written"] == rows[0]["parsed"]
    assert "''" in tsquery_literal(query)


@pytest.mark.parametrize(
    ("search_filter", "argument"),
    [
        ({"theme": "Not A Slug"}, "filter.theme"),
        ({"section": ""}, "filter.section"),
        ({"language": "!!"}, "filter.language"),
    ],
)
async def test_a_malformed_filter_value_is_bad_user_input_naming_it(
    content: Starlette, gql: GraphQLClient, search_filter: dict[str, str], argument: str
) -> None:
    body = await gql.query(SEARCH, {"q": "women", "filter": search_filter})
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}
    assert error["message"].startswith(f"{argument}: ")


@only_sqlite
async def test_sqlite_reads_the_window_from_the_full_text_index_whatever_the_filters(
    content: Starlette, settings: Settings
) -> None:
    backend = current_backend()
    assert isinstance(backend, SQLiteBackend)
    for filters in [
        SearchFilters(types=("Post", "Person", "Section"), every_type=True),
        SearchFilters(types=("Post",)),
        SearchFilters(types=("Post",), theme="disarmament"),
        SearchFilters(types=("Post", "Person"), section="wilpf-spain"),
        SearchFilters(types=("Post",), language="es", published_after=datetime(2024, 1, 1)),
        SearchFilters(types=("Post", "Person"), chain=("fr-ch", "fr", "en")),
    ]:
        request = SearchRequest(
            parse_query("peace women"), filters, include_unpublished=False,
            now=datetime.now(UTC), rank_window=1000,
        )  # fmt: skip
        sql, values = backend.page_and_facets_sql(request, 11, 0)
        plan = await connections.get("default").execute_query_dict(
            f"EXPLAIN QUERY PLAN {sql}", values
        )
        scans = [row["detail"] for row in plan if row["detail"].startswith("SCAN")]
        # FTS5 hands out the newest matches first and the window stops the scan. A plan that
        # walks the documents and asks the index about each one (``INDEX 0:=M3``, a rowid
        # lookup) took seconds for ``types: ["Post"]`` over 100,000 posts.
        assert scans[0].startswith("SCAN f VIRTUAL TABLE INDEX"), (filters, scans)
        assert not any(":=" in scan or scan == "SCAN d" for scan in scans), (filters, scans)


@only_postgres
async def test_postgres_finds_the_same_window_walking_back_or_through_the_gin_index(
    content: Starlette, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = current_backend()
    assert isinstance(backend, PostgresBackend)
    await connections.get("default").execute_script("ANALYZE search_document")
    every_type = SearchFilters(types=("Post", "Person", "Section"), every_type=True)

    def request(
        text: str, rank_window: int = 1000, filters: SearchFilters = every_type
    ) -> SearchRequest:
        return SearchRequest(
            parse_query(text), filters, include_unpublished=False, now=datetime.now(UTC),
            rank_window=rank_window,
        )  # fmt: skip

    # Nine documents; "women" is in three of them, "treaty" in one. Walking back costs about
    # window / share tests, the GIN index share * documents visits.
    assert await backend.walks_back(request("women", rank_window=1)) is True
    assert await backend.walks_back(request("treaty", rank_window=1)) is False
    assert await backend.walks_back(request("women")) is False
    assert await backend.walks_back(request("women treaty", rank_window=1)) is False
    narrowed = [
        every_type,
        SearchFilters(types=("Post",), theme="disarmament"),
        SearchFilters(types=("Post", "Person"), section="wilpf-spain"),
        SearchFilters(types=("Post",), language="es"),
        SearchFilters(types=("Post", "Person"), chain=("es", "en")),
        SearchFilters(types=("Post",), published_after=datetime(2024, 1, 1, tzinfo=UTC)),
    ]
    answers = {}
    for factor in (0.0, 1e9):  # always walk back, never walk back
        monkeypatch.setattr(postgres_backend, "WALK_BACK_FACTOR", factor)
        answers[factor] = [
            await backend.page_and_facets(request(text, rank_window, filters), 10, 0)
            for text in ("women", "weapons -trade", "treaty", '"arms trade"', "board")
            for rank_window in (1, 2, 1000)
            for filters in narrowed
        ]
        assert await backend.walks_back(request("treaty")) is (factor == 0.0)
    assert answers[0.0] == answers[1e9]
    women = answers[0.0][: 3 * len(narrowed) : len(narrowed)]  # every type, windows 1, 2, 1000
    assert [(len(hits), counts.exhaustive) for hits, counts in women] == [
        (1, False), (2, False), (3, True)
    ]  # fmt: skip
    found = {len(hits) for hits, _ in answers[0.0]}
    assert found == {0, 1, 2, 3}


async def test_suggestions_complete_the_last_word_of_titles(
    content: Starlette, gql: GraphQLClient
) -> None:
    query = """query S($p: String!) {
      searchSuggest(prefix: $p, first: 5) {
        text highlight node { __typename ... on Post { slug } ... on Person { slug } }
      }
    }"""
    found = (await gql.data(query, {"p": "nuclear wea"}))["searchSuggest"]
    assert found == [
        {
            "text": "The nuclear weapons ban treaty",
            "highlight": "The <mark>nuclear</mark> <mark>weapons</mark> ban treaty",
            "node": {"__typename": "Post", "slug": "nuclear-ban"},
        }
    ]
    people = (await gql.data(query, {"p": "heidi bü"}))["searchSuggest"]
    assert [s["node"]["slug"] for s in people] == ["heidi-burgisser"]
    assert (await gql.data(query, {"p": '"'}))["searchSuggest"] == []


class CountingProgress:
    """A ``hub search reindex`` progress bar that counts instead of drawing."""

    def __init__(self) -> None:
        self.totals: dict[str, int] = {}
        self.done = 0

    def start(self, type_name: str, total: int) -> None:
        self.totals[type_name] = total

    def advance(self, amount: int) -> None:
        self.done += amount


async def test_reindex_rebuilds_aside_and_keeps_every_result(
    content: Starlette, gql: GraphQLClient
) -> None:
    before = await search(gql, "women")

    progress = CountingProgress()
    engine = content.state.hub.plugin_manager.get_plugin(ENGINE_NAME)
    assert isinstance(engine, SearchEngine)
    indexed = await reindex(engine.searchables(), progress)
    assert indexed == {"Post": 5, "Person": 2, "Section": 2}
    assert progress.done == 9
    after = await search(gql, "women")
    assert slugs(after) == slugs(before)
    assert after["facets"] == before["facets"]
    # A second rebuild reuses the names the first one freed.
    await reindex(engine.searchables(), progress)
    assert slugs(await search(gql, "nuclaer")) == ["nuclear-ban"]


@only_postgres
async def test_postgres_reindex_finishes_and_warns_when_vacuum_fails(
    content: Starlette,
    gql: GraphQLClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = await search(gql, "women")
    client_class = type(connections.get("default"))
    execute_script = client_class.execute_script

    async def timing_out(self: Any, query: str) -> None:
        if query.startswith("VACUUM"):
            raise OperationalError("canceling statement due to statement timeout")
        await execute_script(self, query)

    monkeypatch.setattr(client_class, "execute_script", timing_out)
    engine = content.state.hub.plugin_manager.get_plugin(ENGINE_NAME)
    assert isinstance(engine, SearchEngine)

    assert await reindex(engine.searchables(), CountingProgress()) == {
        "Post": 5, "Person": 2, "Section": 2,
    }  # fmt: skip
    assert '`VACUUM (ANALYZE) "search_document"` failed (canceling statement' in caplog.text
    assert slugs(await search(gql, "women")) == slugs(before)


@only_postgres
async def test_postgres_reindex_leaves_the_new_table_analyzed_and_vacuumed(
    content: Starlette,
) -> None:
    engine = content.state.hub.plugin_manager.get_plugin(ENGINE_NAME)
    assert isinstance(engine, SearchEngine)
    await reindex(engine.searchables(), CountingProgress())

    rows = await connections.get("default").execute_query_dict(
        "SELECT relallvisible, (SELECT count(*) FROM pg_stats WHERE tablename = relname "
        "AND attname = 'document' AND most_common_elems IS NOT NULL) AS word_statistics "
        "FROM pg_class WHERE relname = 'search_document'"
    )
    # Word frequencies for the window's plan (ANALYZE); all-visible pages (VACUUM), which made
    # the bench query 30 % faster over 100,000 posts.
    assert rows[0]["word_statistics"] == 1
    assert rows[0]["relallvisible"] > 0


async def test_a_search_page_costs_the_same_statements_for_one_result_or_many(
    content: Starlette, gql: GraphQLClient, sql_counter: SQLCounter
) -> None:
    assert len((await search(gql, "treaty"))["edges"]) == 1
    one = sql_counter.count
    sql_counter.reset()
    assert len((await search(gql, "women"))["edges"]) == 3
    assert sql_counter.count == one
    # page, spelling check, posts by id, count, facets (+1 visibility check on SQLite).
    assert one <= 6


async def test_long_or_empty_queries_get_a_clear_error(
    content: Starlette, gql: GraphQLClient
) -> None:
    message = await gql.error(SEARCH, {"q": "peace " * 2000})
    assert "12000 characters long; at most 500" in message
    assert "no words to look for" in await gql.error(SEARCH, {"q": ' " - * '})
    assert "only excluded words" in await gql.error(SEARCH, {"q": "-war -weapons"})


class TestEventsPluginTypes:
    """The events plugin knows nothing of search, and search nothing of it: the Event
    declaration's searchable fields make it searchable."""

    @pytest.fixture
    def extra_plugins(self) -> list[object]:
        import hub_events.plugin

        return [hub_search.plugin, hub_events.plugin]

    async def test_events_are_found_as_search_results(
        self, hub: Starlette, gql: GraphQLClient
    ) -> None:
        from hub_events.models import Event

        await Event.create(
            slug="ipb-congress",
            title="IPB World Peace Congress",
            description="Disarmament for development.",
            city="Barcelona",
            starts_at=datetime(2030, 10, 1, 9, tzinfo=UTC),
            ends_at=datetime(2030, 10, 3, 18, tzinfo=UTC),
        )
        engine = hub.state.hub.plugin_manager.get_plugin(ENGINE_NAME)
        assert isinstance(engine, SearchEngine)
        assert list(engine.searchables()) == ["Post", "Person", "Section", "Event"]

        class Quiet:
            def start(self, type_name: str, total: int) -> None: ...

            def advance(self, amount: int) -> None: ...

        await reindex(engine.searchables(), Quiet())
        query = """{ search(query: "barcelona congress") {
            edges { node { __typename ... on Event { slug title } } }
            facets { types { value count } } } }"""
        data = (await gql.data(query))["search"]
        assert data["edges"] == [
            {"node": {"__typename": "Event", "slug": "ipb-congress",
                      "title": "IPB World Peace Congress"}}
        ]  # fmt: skip
        assert data["facets"]["types"] == [{"value": "Event", "count": 1}]


async def test_hub_migrate_creates_the_index_tables(settings: Settings) -> None:
    EXECUTOR_CACHE.clear()
    pm = get_plugin_manager(extra_plugins=[hub_search.plugin], load_entry_points=False)
    await apply_migrations(pm, settings)
    async with open_database(pm, settings):
        assert await index_status() is None
        await import_content(pm, CONTENT)
        # The migration's tables are the ones the events write to.
        rows = await current_backend().page(
            SearchRequest(
                parse_query("nuclear"),
                SearchFilters(types=("Post",)),
                include_unpublished=False,
                now=datetime.now(UTC),
                rank_window=1000,
            ),
            limit=5,
            offset=0,
        )
        assert [(hit.type_name, hit.title_html) for hit in rows] == [
            ("Post", "The <mark>nuclear</mark> weapons ban treaty")
        ]


async def test_a_change_another_process_committed_is_not_indexed_twice(
    content: Starlette, gql: GraphQLClient
) -> None:
    # The process that committed the change indexed it in the shared database already; hearing
    # it again (remote) must not index again, nor ever index what this process did not see.
    pm = content.state.hub.plugin_manager
    stored = await Post.get(slug="arms-trade")
    await Post.filter(id=stored.id).update(title="Zeppelin registry")
    heard = ContentEvent(EventKind.POST_UPDATED, "Post", stored.id, "arms-trade", remote=True)
    await dispatch_content_events(pm, [heard])
    assert slugs(await search(gql, "zeppelin")) == []
    await dispatch_content_events(
        pm, [ContentEvent(EventKind.POST_UPDATED, "Post", stored.id, "arms-trade")]
    )
    assert slugs(await search(gql, "zeppelin")) == ["arms-trade"]
