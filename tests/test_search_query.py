"""The search query language: parsed into a tree, never passed on as SQL or full-text syntax."""

from __future__ import annotations

import random
from typing import Any

import hub_search.plugin
import pytest
from hub_search.backends import current_backend
from hub_search.backends.pg_queries import tsquery_text
from hub_search.backends.sqlite import match_expression
from hub_search.query import SearchQuery, Term, parse_query
from hub_search.text import html_to_text, tokens
from hub_search.typos import one_edit_variants, within_one_edit
from starlette.applications import Starlette

from hub import UserError
from hub.content.transfer import import_content
from tests.conftest import GraphQLClient


def test_words_phrases_exclusions_and_prefixes_are_understood() -> None:
    parsed = parse_query('Peace "arms  TRADE" -nuclear disarm* Bürgisser')
    assert parsed == SearchQuery(
        required=(
            Term(("peace",)),
            Term(("arms", "trade")),
            Term(("disarm",), prefix=True),
            Term(("burgisser",)),
        ),
        excluded=(Term(("nuclear",)),),
    )


def test_punctuation_inside_a_word_makes_a_phrase_as_in_the_index() -> None:
    assert parse_query("women's").required == (Term(("women", "s")),)
    assert tokens("Co-operation, l'été!") == ["co", "operation", "l", "ete"]


def test_an_unbalanced_quote_runs_to_the_end() -> None:
    assert parse_query('peace "arms trade').required == (
        Term(("peace",)),
        Term(("arms", "trade")),
    )


def test_a_minus_inside_or_after_a_space_is_no_operator() -> None:
    assert parse_query("anti-war - women").required == (
        Term(("anti", "war")),
        Term(("women",)),
    )


def test_autocomplete_makes_the_last_word_a_prefix_of_two_letters_or_more() -> None:
    assert parse_query("nuclear wea", prefix_last=True).required[-1] == Term(("wea",), True)
    assert parse_query("nuclear w", prefix_last=True).required[-1] == Term(("w",), False)
    assert parse_query("nuclear ", prefix_last=True).required[-1] == Term(("nuclear",), False)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "no words to look for"),
        ('  " -- * ! ( ) "" ', "no words to look for"),
        ("-war -weapons", "only excluded words"),
        ("x" * 10_000, "10000 characters long; at most 500"),
        (" ".join(f"w{n}" for n in range(40)), "40 words or phrases; at most 16"),
    ],
)
def test_queries_without_anything_to_find_are_refused_clearly(text: str, problem: str) -> None:
    with pytest.raises(UserError) as raised:
        parse_query(text)
    assert problem in raised.value.message
    assert raised.value.extensions == {"code": "BAD_USER_INPUT", "argument": "query"}


def test_backend_syntax_quotes_every_word() -> None:
    parsed = parse_query('peace "arms trade" -nuclear disarm*').with_spellings({"peace": ("pace",)})
    assert match_expression(parsed, False) == (
        '(("peace" OR "pace") AND "arms trade" AND "disarm"* NOT "nuclear") NOT hubsearchpending'
    )
    assert match_expression(parse_query("wom*"), True, "title") == '{title} : ("wom"*)'
    assert tsquery_text(parsed) == (
        "('peace' | 'pace') & ('arms' <-> 'trade') & 'disarm':* & !'nuclear'"
    )


def test_one_edit_variants_cover_insertions_deletions_substitutions_and_swaps() -> None:
    for typo in ("pece", "peeace", "peach", "epace"):
        assert "peace" in one_edit_variants(typo)
        assert within_one_edit(typo, "peace")
    assert not within_one_edit("paece", "pcaee")
    assert "peace" not in one_edit_variants("pecae1")


def test_html_becomes_readable_text() -> None:
    assert html_to_text("<p>One&nbsp;&amp; two</p><p>three<br>four</p>") == "One & two three four"


# Characters that mean something to FTS5, tsquery, SQL or our own parser, and some that do not.
FUZZ_ALPHABET = [
    *"\"'-*:^()[]{}&|!<>;,.\\/%_=+~`@#$?",
    " ", "  ", "\t", "\n", "AND", "OR", "NOT", "NEAR", "peace", "wómen", "ß", "日本", "\x00",
    "\u200b", "é", "war", "a", "1", "--", "''", "NEAR/2", "title:", "{title}", "$1", "%s",
]  # fmt: skip


def random_queries(seed: int, count: int) -> list[str]:
    pick = random.Random(seed)
    return ["".join(pick.choices(FUZZ_ALPHABET, k=pick.randint(0, 40))) for _ in range(count)]


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_search.plugin]


@pytest.fixture
async def searchable(app: Starlette) -> Starlette:
    await current_backend().create_schema()
    document: dict[str, Any] = {
        "posts": [
            {"slug": "p", "title": "Peace and women", "body": "<p>war ß 日本</p>",
             "status": "published", "published_at": "2020-01-01T00:00:00Z"},
        ],
    }  # fmt: skip
    await import_content(app.state.hub.plugin_manager, document)
    return app


async def test_random_queries_get_results_or_a_clear_error_never_a_crash(
    searchable: Starlette, gql: GraphQLClient
) -> None:
    query = """query F($q: String!) {
      search(query: $q) { totalCount edges { snippets } facets { types { count } } }
      searchSuggest(prefix: $q) { text }
    }"""
    for text in random_queries(seed=7, count=120):
        body = await gql.query(query, {"q": text})
        for error in body.get("errors", []):
            # Only our own, explained refusals; a crash would be masked as "Unexpected error".
            assert error["extensions"]["code"] == "BAD_USER_INPUT", (text, error)
            # (A NUL character is refused for the whole request, before search runs.)
            assert error["message"].startswith(
                ("The search query has", "The variable $q holds the NUL character")
            ), (text, error)
        if not body.get("errors"):
            assert isinstance(body["data"]["search"]["totalCount"], int)
