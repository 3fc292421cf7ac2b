"""The tsqueries and conditions of a PostgreSQL search, written as SQL text.

The query is built from the parsed syntax tree as a ``tsquery`` of quoted lexemes made of
letters and digits only, and given to ``to_tsquery``: visitor text never becomes tsquery
syntax. Each document is read with its own text search configuration (``pg_languages``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hub_search.backends.base import PUBLIC_STATUSES, SearchFilters, SearchRequest
from hub_search.backends.pg_languages import CONFIGURATIONS, UNSTEMMED, configuration
from hub_search.query import SearchQuery, Term


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _term(term: Term) -> str:
    text = " <-> ".join(_lexeme(word) for word in term.words)
    if term.prefix:
        text += ":*"
    if term.alternatives:
        text = "(" + " | ".join([text, *(_lexeme(word) for word in term.alternatives)]) + ")"
    elif len(term.words) > 1:
        text = f"({text})"
    return text


def tsquery_text(query: SearchQuery) -> str:
    text = " & ".join(_term(term) for term in query.required)
    for term in query.excluded:
        text += f" & !{_term(term)}"
    return text


def tsquery_in(config: str, query: SearchQuery) -> str:
    """``to_tsquery(config, ...)`` of ``query`` with its text as an SQL string literal.

    asyncpg prepares every statement, and after five executions PostgreSQL may reuse a
    generic plan built without knowing the tsquery: it then cannot tell a query matching 70 %
    of the documents from one matching 1 %, and the plan that suits one is ten times too slow
    for the other. Written into the text, the query is planned for what it matches. The
    lexemes are letters and digits only (``text.tokens``); quotes are doubled all the same.
    """
    quoted = tsquery_text(query).replace("'", "''")
    return f"to_tsquery('{config}', '{quoted}')"


def tsquery_literal(query: SearchQuery) -> str:
    """The query in the unstemmed configuration (words as typed, folded)."""
    return tsquery_in(UNSTEMMED, query)


def searched_configurations(filters: SearchFilters) -> tuple[str, ...]:
    """The configurations of the documents a search may find: the language filter's, the
    chain's (and the unstemmed one of documents without a language), else every one."""
    if filters.language is not None:
        return (configuration(filters.language),)
    if filters.chain:
        return tuple(sorted({UNSTEMMED, *(configuration(tag) for tag in filters.chain)}))
    return CONFIGURATIONS


class Matching:
    """How documents match a request: ``condition(alias)`` for WHERE, ``query(alias)`` for
    ``ts_rank`` and ``ts_headline`` of the row ``alias``.

    With one configuration both are ``document @@ to_tsquery(config, ...)``. With several the
    condition is ``document @@ (q_1 || q_2 ...) AND document @@ CASE config ...``: the GIN
    index answers the first, and the second checks each candidate with the query parsed in
    the row's own configuration, so a French document never matches a word only the English
    stemmer reduces to one of its lexemes. Every ``to_tsquery`` here has literal arguments
    and is folded into a constant when the statement is planned.
    """

    def __init__(self, query: SearchQuery, configs: Sequence[str]) -> None:
        self.configs = tuple(configs)
        self.single = tsquery_in(self.configs[0], query) if len(self.configs) == 1 else None
        self.any = "(" + " || ".join(tsquery_in(config, query) for config in self.configs) + ")"
        self.branches = " ".join(
            f"WHEN '{config}' THEN {tsquery_in(config, query)}" for config in self.configs
        )

    def query(self, alias: str) -> str:
        return self.single or f"(CASE {alias}.config {self.branches} END)"

    def condition(self, alias: str) -> str:
        if self.single:
            return f"{alias}.document @@ {self.single}"
        return f"{alias}.document @@ {self.any} AND {alias}.document @@ {self.query(alias)}"


def matching(request: SearchRequest) -> Matching:
    return Matching(request.query, searched_configurations(request.filters))


def _visible(request: SearchRequest, alias: str, parameter: Callable[[Any], str]) -> str | None:
    """The rule of ``hub.content.visibility`` on the row ``alias``; None when all are seen."""
    if request.include_unpublished:
        return None
    statuses = ", ".join(f"'{status}'" for status in PUBLIC_STATUSES)
    return (
        f"({alias}.status IS NULL OR ({alias}.status IN ({statuses}) "
        f"AND {alias}.published_at <= {parameter(request.now)}))"
    )


#: Whether a document's translation group has a version in a better language of ``chain``
#: that is visible at ``visible_at`` (every version when it is null). A function, not an
#: inline NOT EXISTS, for the planner: it prices an inline subquery on every candidate of
#: both ways to find the window, the one not run included, and over 20,000 posts the
#: statement's estimate passed ``jit_above_cost``; JIT compilation then took a 9 ms search to
#: 65-95 ms. A PL/pgSQL function has the cost it declares, and runs only for documents in a
#: group (one lookup in the index of ``(type, translation_group)``).
BETTER_VERSION_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION hub_search_has_better_version(
        doc_type TEXT, doc_group TEXT, doc_language TEXT, chain TEXT[], visible_at TIMESTAMPTZ
    ) RETURNS BOOLEAN LANGUAGE plpgsql STABLE PARALLEL SAFE COST 50 AS $$
    BEGIN
        RETURN EXISTS (
            SELECT 1 FROM search_document better
            WHERE better.type = doc_type AND better.translation_group = doc_group
              AND array_position(chain, lower(better.language))
                  < array_position(chain, lower(doc_language))
              AND (visible_at IS NULL OR better.status IS NULL
                   OR (better.status IN ({", ".join(f"'{status}'" for status in PUBLIC_STATUSES)})
                       AND better.published_at <= visible_at)));
    END $$
"""


def _in_chain(request: SearchRequest, parameter: Callable[[Any], str]) -> list[str]:
    """The fallback chain's conditions: documents in its languages (or in none), and of each
    translation group only the version in the best language of the chain the reader may see."""
    chain = parameter([tag.lower() for tag in request.filters.chain])
    visible_at = "NULL::timestamptz" if request.include_unpublished else parameter(request.now)
    return [
        f"(d.language IS NULL OR lower(d.language) = ANY({chain}))",
        f"(d.translation_group IS NULL OR NOT hub_search_has_better_version("
        f"d.type, d.translation_group, d.language, {chain}, {visible_at}))",
    ]


def conditions(request: SearchRequest, values: list[Any]) -> str:
    """SQL conditions on ``d`` for visibility and filters; appends their parameters."""

    def parameter(value: Any) -> str:
        values.append(value)
        return f"${len(values)}"

    filters = request.filters
    clauses = [f"d.type = ANY({parameter(list(filters.types))})"]
    visible = _visible(request, "d", parameter)
    if visible:
        clauses.append(visible)
    if filters.language is not None:
        clauses.append(f"d.language = {parameter(filters.language)}")
    if filters.chain:
        clauses.extend(_in_chain(request, parameter))
    if filters.published_after is not None:
        clauses.append(f"d.published_at >= {parameter(filters.published_after)}")
    reached = ((filters.theme, request.sources.themes), (filters.section, request.sources.sections))
    for slug, facet in reached:
        if slug is not None:
            # A parameter no clause uses would be refused: without reaches, nothing matches.
            clauses.append(facet.condition(parameter(slug))[0] if facet.reaches else "1 = 0")
    return " AND ".join(clauses)
