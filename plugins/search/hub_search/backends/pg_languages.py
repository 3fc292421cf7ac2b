"""PostgreSQL text search configurations per language, and tsqueries written for them.

Each document is indexed with the configuration of its language: ``hub_search_french`` for
``fr`` and ``fr-CH``, a copy of PostgreSQL's built-in ``french`` whose words go through
``unaccent`` before the Snowball stemmer (so "Manifestations" and "manifestation" are one
lexeme, and accents are folded as everywhere else in search). A language PostgreSQL has no
stemmer for, and a document without a language (people, sections), use ``hub_search``:
``simple`` with ``unaccent``, no stemming.

The configuration's name is kept on each row (``search_document.config``), so snippets and
ranking read a document with its own configuration, and a search without a language can ask
each document in its own terms (:func:`query_expressions`).
"""

from __future__ import annotations

from collections.abc import Iterable

#: Words only: the configuration every stemmed one copies (``simple`` through ``unaccent``).
UNSTEMMED = "hub_search"

#: BCP 47 primary subtags → PostgreSQL's built-in Snowball configurations (``pg_ts_config``
#: of PostgreSQL 15; a test checks the server has each). Norwegian Bokmål and Nynorsk use
#: PostgreSQL's one ``norwegian`` stemmer.
BUILT_IN: dict[str, str] = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "da": "danish",
    "nl": "dutch", "en": "english", "fi": "finnish", "fr": "french", "de": "german",
    "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian", "ga": "irish",
    "it": "italian", "lt": "lithuanian", "ne": "nepali", "no": "norwegian",
    "nb": "norwegian", "nn": "norwegian", "pt": "portuguese", "ro": "romanian",
    "ru": "russian", "sr": "serbian", "es": "spanish", "sv": "swedish", "ta": "tamil",
    "tr": "turkish", "yi": "yiddish",
}  # fmt: skip

#: Every configuration a document may be indexed with, the unstemmed one first.
CONFIGURATIONS: tuple[str, ...] = (
    UNSTEMMED,
    *sorted({f"{UNSTEMMED}_{name}" for name in BUILT_IN.values()}),
)


def configuration(language: str | None) -> str:
    """The configuration of a document (or query) in ``language``: ``fr-CH`` → french."""
    if not language:
        return UNSTEMMED
    built_in = BUILT_IN.get(language.split("-")[0].strip().lower())
    return f"{UNSTEMMED}_{built_in}" if built_in else UNSTEMMED


def configurations(languages: Iterable[str | None]) -> tuple[str, ...]:
    """The distinct configurations of ``languages``, in a stable order."""
    return tuple(sorted({configuration(language) for language in languages}))


def _names_sql() -> str:
    return ", ".join(f"'{name}'" for name in sorted(set(BUILT_IN.values())))


#: The configurations, created when missing (idempotent: migrations, tests and rebuilds run
#: it). The unstemmed one maps words through unaccent then ``simple``; each stemmed one copies
#: the built-in configuration (its parser, stop words, number handling) and puts unaccent
#: before the built-in's stemmer (``french_stem``; unaccent is a filtering dictionary, so
#: the stemmer sees "etats" for "états" and both spellings are one lexeme). A server without
#: a built-in configuration (an older PostgreSQL) gets a copy of the unstemmed one under the
#: same name, so every row's configuration exists whatever the server.
SETUP: list[str] = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{UNSTEMMED}') THEN
            CREATE TEXT SEARCH CONFIGURATION {UNSTEMMED} (COPY = simple);
            ALTER TEXT SEARCH CONFIGURATION {UNSTEMMED}
                ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword,
                    hword_asciipart, hword_part, hword_numpart
                WITH unaccent, simple;
        END IF;
    END $$""",
    f"""DO $$ DECLARE built_in TEXT; ours TEXT; BEGIN
        FOREACH built_in IN ARRAY ARRAY[{_names_sql()}] LOOP
            ours := '{UNSTEMMED}_' || built_in;
            CONTINUE WHEN EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = ours);
            IF EXISTS (SELECT 1 FROM pg_ts_config c JOIN pg_ts_dict d
                       ON d.dictname = built_in || '_stem'
                       WHERE c.cfgname = built_in AND c.cfgnamespace = 'pg_catalog'::regnamespace)
            THEN
                EXECUTE format('CREATE TEXT SEARCH CONFIGURATION %I (COPY = pg_catalog.%I)',
                               ours, built_in);
                EXECUTE format('ALTER TEXT SEARCH CONFIGURATION %I ALTER MAPPING FOR '
                               'asciiword, word, asciihword, hword, hword_asciipart, hword_part '
                               'WITH unaccent, %I', ours, built_in || '_stem');
            ELSE
                EXECUTE format('CREATE TEXT SEARCH CONFIGURATION %I (COPY = {UNSTEMMED})', ours);
            END IF;
        END LOOP;
    END $$""",
]


def configuration_case(language_column: str) -> str:
    """SQL giving the configuration of ``language_column``, as :func:`configuration` does
    (for the migration that gives the rows indexed before languages their configuration)."""
    branches = " ".join(
        f"WHEN '{subtag}' THEN '{UNSTEMMED}_{name}'" for subtag, name in sorted(BUILT_IN.items())
    )
    return (
        f"CASE lower(split_part(coalesce({language_column}, ''), '-', 1)) {branches} "
        f"ELSE '{UNSTEMMED}' END"
    )
