"""Whether a PostgreSQL search walks the primary key back or asks the GIN index: estimated
in the statement itself from the word frequencies ANALYZE recorded (``pg_stats``).

The statistics count lexemes, which depend on each document's configuration; the query's
words are looked up as the lexemes they become in every configuration searched.
"""

from __future__ import annotations

from hub_search.query import SearchQuery


def estimated_words(query: SearchQuery) -> list[str]:
    """The words whose frequencies estimate the query's share of documents: the required single
    words (a phrase is rarer than its words, a prefix or a typo's spellings unknown; leaving
    them out only makes the query look more common)."""
    return [
        term.words[0]
        for term in query.required
        if term.is_word and not term.prefix and not term.alternatives
    ]


def estimate_ctes(words: str, configs: str, threshold: str) -> str:
    """``stats`` and ``estimate``: whether to walk the primary key back
    (see ``PostgresBackend._window_ctes``).

    ``words`` is the parameter holding the words to look up, ``configs`` the one holding the
    configurations searched, ``threshold`` the one holding ``WALK_BACK_FACTOR * window``. A
    word's share is the sum of the shares of the lexemes it becomes in those configurations
    ("women" is 'women' in English and 'wom' in Spanish documents); a word none of whose
    lexemes ANALYZE recorded counts as the rarest it did; with no statistics at all, every
    query takes the GIN index.
    """
    return f"""
        stats AS (
            SELECT most_common_elems::text::text[] AS words, most_common_elem_freqs AS freqs
            FROM pg_stats WHERE schemaname = current_schema()
                AND tablename = 'search_document' AND attname = 'document'
        ),
        word_shares AS (
            SELECT asked.word, coalesce(sum(known.freq), min(rarest.freq)) AS freq
            FROM unnest({words}::text[]) AS asked(word)
            CROSS JOIN (SELECT min(freq) AS freq FROM stats, unnest(freqs) AS freq) rarest
            LEFT JOIN LATERAL (
                SELECT DISTINCT lexeme FROM unnest({configs}::text[]) AS config,
                    unnest(tsvector_to_array(to_tsvector(config::regconfig, asked.word))) lexeme
            ) lexemes ON true
            LEFT JOIN (SELECT unnest(words) AS word, unnest(freqs) AS freq FROM stats) known
                ON known.word = lexemes.lexeme
            GROUP BY asked.word
        ),
        estimate AS MATERIALIZED (
            SELECT exp(coalesce(sum(ln(greatest(least(freq, 1), 1e-9))), 0))
                   ^ 2 * (SELECT reltuples FROM pg_class WHERE oid = 'search_document'::regclass)
                   >= {threshold} AS walk_back
            FROM word_shares
        )
    """
