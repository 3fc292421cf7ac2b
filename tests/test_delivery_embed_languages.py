"""Embeds in a language: ``<hub-posts lang="fr-CH">`` and ``/oembed?url=…&lang=fr-CH`` serve each
post in the first language of the fallback chain (fr-CH, fr, the default language) it has a
public version in; the widget's first operation keeps answering the embeds already deployed."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import httpx
import hub_delivery.plugin
import pytest
from hub_delivery.settings import ALLOWLIST, MAX_AGE, PERSON_URL, POST_URL
from hub_delivery.widget import (
    BUILTIN_OPERATIONS,
    OPERATION_HASH,
    OPERATION_NAME,
    OPERATION_V1,
    OPERATION_V1_HASH,
)

from hub.content.models import PostStatus
from hub.settings import Settings
from tests import factories
from tests.conftest import SQLCounter

POST_PAGE = "https://example.org/news/{slug}"
PERSON_PAGE = "https://example.org/people/{slug}"
#: The hash the first widget script (before languages) sends: embeds deployed with it keep
#: working, so it is written out here rather than computed from the text it protects.
RELEASED_WIDGET_HASH = "c0e2b6cdc7355d6f248d7ee4dcda43dabda68edc812ea74d1a94a524c7d6ab40"


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_delivery.plugin]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # Only registered operations run for anonymous clients: the widget's must be built in.
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        extra={POST_URL: POST_PAGE, PERSON_URL: PERSON_PAGE, ALLOWLIST: True, MAX_AGE: 60},
    )


async def multilingual() -> None:
    """Oldest first (the factories publish each post an hour after the one before)."""
    ada = await factories.person("ada", name="Ada Lovelace")
    amelie = await factories.person("amelie", name="Amélie Nothomb")
    await factories.post(
        "budget", title="Budget", language="en", translation_group="budget", authors=[ada]
    )
    await factories.post(
        "budget-fr", title="Budget FR", language="fr", translation_group="budget", authors=[amelie]
    )
    await factories.post(
        "budget-ch", title="Budget CH", language="fr-CH", translation_group="budget",
        authors=[amelie, ada],
    )  # fmt: skip
    await factories.post("march", title="March", language="en", translation_group="march")
    await factories.post("marche", title="Marche", language="fr", translation_group="march")
    await factories.post("notice", title="Notice", language="en")
    await factories.post(
        "appel", title="Appel", language="fr", translation_group="appeal",
        status=PostStatus.DRAFT, published_at=None,
    )  # fmt: skip
    # Only in German and Spanish: no version in any French chain, nor in English.
    await factories.post("bericht", title="Bericht", language="de", translation_group="bericht")
    await factories.post("informe", title="Informe", language="es", translation_group="bericht")


def persisted(sha256: str, **variables: object) -> dict[str, str]:
    """A widget request as its script sends it: the operation by hash, never its text."""
    return {
        "operationName": OPERATION_NAME,
        "variables": json.dumps(variables),
        "extensions": json.dumps({"persistedQuery": {"version": 1, "sha256Hash": sha256}}),
    }


async def widget_posts(
    client: httpx.AsyncClient, sha256: str, **variables: object
) -> list[dict[str, Any]]:
    response = await client.get("/graphql", params=persisted(sha256, **variables))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert "errors" not in answer, answer
    return [edge["node"] for edge in answer["data"]["posts"]["edges"]]


# --- The widget -------------------------------------------------------------------------------


async def test_widget_in_swiss_french_falls_back_to_french_then_english(
    client: httpx.AsyncClient,
) -> None:
    await multilingual()
    posts = await widget_posts(client, OPERATION_HASH, first=10, filter={}, language="fr-CH")
    # Newest first; each group once; nothing with no version in fr-CH, fr or en.
    assert [(post["slug"], post["language"]) for post in posts] == [
        ("notice", "en"),
        ("marche", "fr"),
        ("budget-ch", "fr-CH"),
    ]


async def test_widget_filters_apply_to_the_version_served(client: httpx.AsyncClient) -> None:
    await multilingual()

    async def slugs(author: str, language: str) -> list[str]:
        posts = await widget_posts(
            client, OPERATION_HASH, first=10, filter={"author": author}, language=language
        )
        return [post["slug"] for post in posts]

    # The French reader's budget is the French one, by Amélie: Ada's English and Swiss ones
    # are other readers' versions (as posts(filter:, language:) answers in GraphQL).
    assert await slugs("amelie", "fr") == ["budget-fr"]
    assert await slugs("ada", "fr") == []
    assert await slugs("ada", "fr-CH") == ["budget-ch"]


async def test_the_first_widget_operation_keeps_its_hash_and_its_answers(
    client: httpx.AsyncClient,
) -> None:
    await multilingual()
    assert OPERATION_V1_HASH == RELEASED_WIDGET_HASH
    assert BUILTIN_OPERATIONS[RELEASED_WIDGET_HASH] == OPERATION_V1
    assert OPERATION_HASH != RELEASED_WIDGET_HASH
    assert BUILTIN_OPERATIONS[OPERATION_HASH]
    # Deployed scripts send lang as filter.language, an exact match, and get what they got.
    posts = await widget_posts(client, RELEASED_WIDGET_HASH, first=10, filter={"language": "fr"})
    assert [post["slug"] for post in posts] == ["marche", "budget-fr"]
    assert set(posts[0]) == {"id", "slug", "title", "excerpt", "publishedAt"}


async def test_script_sends_the_language_operation(client: httpx.AsyncClient) -> None:
    script = (await client.get("/embed/hub-posts.js")).text
    assert f'"queryHash":"{OPERATION_HASH}"' in script
    assert RELEASED_WIDGET_HASH not in script
    # lang travels as the list's language (with fallbacks), not as the exact filter.
    assert "values.language = language" in script
    assert "filter.language" not in script.split("function variables", 1)[1].split("}\n", 1)[0]
    assert "list.lang = values.language" in script


async def test_a_cached_answer_in_one_language_is_never_served_for_another(
    client: httpx.AsyncClient,
) -> None:
    await multilingual()
    first = await client.get(
        "/graphql", params=persisted(OPERATION_HASH, first=5, filter={}, language="en")
    )
    again = await client.get(
        "/graphql", params=persisted(OPERATION_HASH, first=5, filter={}, language="en")
    )
    assert again.content == first.content  # the same language: the cached answer
    french = await client.get(
        "/graphql",
        params=persisted(OPERATION_HASH, first=5, filter={}, language="fr"),
        headers={"If-None-Match": first.headers["etag"]},
    )
    assert french.status_code == 200
    assert french.headers["etag"] != first.headers["etag"]
    slugs = [edge["node"]["slug"] for edge in french.json()["data"]["posts"]["edges"]]
    assert slugs == ["notice", "marche", "budget-fr"]


async def test_a_malformed_widget_language_is_a_bad_user_input_naming_it(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(
        "/graphql", params=persisted(OPERATION_HASH, first=5, filter={}, language="not a tag")
    )
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["argument"] == "language"
    assert "'not a tag' is not a BCP 47 language tag" in error["message"]


async def test_embed_page_passes_lang_to_the_widget_and_the_page(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/embed/posts", params={"lang": "fr-CH", "limit": "3"})
    assert response.status_code == 200
    assert '<html lang="fr-CH">' in response.text
    assert '<hub-posts lang="fr-CH" limit="3">' in response.text
    bad = await client.get("/embed/posts", params={"lang": "fr-"})
    assert bad.status_code == 400
    assert bad.text.startswith("lang: 'fr-' is not a BCP 47 language tag")


# --- oEmbed -----------------------------------------------------------------------------------


async def oembed(client: httpx.AsyncClient, slug: str, **params: str) -> httpx.Response:
    return await client.get("/oembed", params={"url": POST_PAGE.format(slug=slug), **params})


async def test_oembed_answers_the_translation_in_the_language_asked(
    client: httpx.AsyncClient,
) -> None:
    await multilingual()
    response = await oembed(client, "budget", lang="fr-CH")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["title"] == "Budget CH"
    assert answer["author_name"] == "Amélie Nothomb, Ada Lovelace"
    assert answer["author_url"] == "https://example.org/people/amelie"
    assert answer["html"].startswith(
        '<blockquote class="hub-post-embed" cite="https://example.org/news/budget-ch" lang="fr-CH">'
    )
    assert '<a href="https://example.org/news/budget-ch">Budget CH</a>' in answer["html"]


@pytest.mark.parametrize(
    ("slug", "lang", "title", "card_lang"),
    [
        ("march", "fr-CH", "Marche", "fr"),  # no Swiss French: French
        ("marche", "fr-CH", "Marche", "fr"),
        ("marche", "en", "March", "en"),
        ("budget-ch", "en-GB", "Budget", "en"),  # no British English: English
        ("notice", "fr", "Notice", "en"),  # not translated: the default language
        ("bericht", "es-MX", "Informe", "es"),
    ],
)
async def test_oembed_follows_the_fallback_chain(
    client: httpx.AsyncClient, slug: str, lang: str, title: str, card_lang: str
) -> None:
    await multilingual()
    answer = (await oembed(client, slug, lang=lang)).json()
    assert answer["title"] == title
    assert f' lang="{card_lang}">' in answer["html"]


async def test_without_lang_the_url_decides_the_language(client: httpx.AsyncClient) -> None:
    await multilingual()
    answer = (await oembed(client, "budget-fr")).json()
    assert answer["title"] == "Budget FR"
    assert answer["author_name"] == "Amélie Nothomb"
    assert ' lang="fr">' in answer["html"]


async def test_a_post_with_no_version_in_the_chain_is_404_saying_so(
    client: httpx.AsyncClient,
) -> None:
    await multilingual()
    response = await oembed(client, "bericht", lang="fr-CH")
    assert response.status_code == 404
    assert response.text.startswith(
        "'bericht' has no public version in 'fr-CH' or the languages it falls back to "
        "(fr-CH, fr, en)"
    )
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("lang", ["not a tag", "fr-", ""])
async def test_a_malformed_oembed_lang_is_400_naming_it(
    client: httpx.AsyncClient, lang: str
) -> None:
    await multilingual()
    response = await oembed(client, "budget", lang=lang)
    assert response.status_code == 400
    assert response.text.startswith(f"lang: {lang!r} is not a BCP 47 language tag")
    discovery = await client.get(
        "/oembed/discovery", params={"url": POST_PAGE.format(slug="budget"), "lang": lang}
    )
    assert discovery.status_code == 400


async def test_oembed_in_xml_carries_the_translation_and_its_author(
    client: httpx.AsyncClient,
) -> None:
    await multilingual()
    response = await oembed(client, "budget", lang="fr", format="xml")
    document = ET.fromstring(response.content)
    assert document.findtext("title") == "Budget FR"
    assert document.findtext("author_name") == "Amélie Nothomb"


async def test_each_oembed_language_has_its_own_etag_and_keys(client: httpx.AsyncClient) -> None:
    await multilingual()
    english = await oembed(client, "budget")
    french = await client.get(
        "/oembed",
        params={"url": POST_PAGE.format(slug="budget"), "lang": "fr"},
        headers={"If-None-Match": english.headers["etag"]},
    )
    assert french.status_code == 200
    assert french.json()["title"] == "Budget FR"
    # Purged by a change to either the post asked for or the translation served.
    keys = french.headers["surrogate-key"].split()
    assert "Post" in keys
    assert len([key for key in keys if key.startswith("Post:")]) == 2


async def test_discovery_links_carry_the_language(client: httpx.AsyncClient) -> None:
    await multilingual()
    response = await client.get(
        "/oembed/discovery", params={"url": POST_PAGE.format(slug="budget"), "lang": "fr"}
    )
    assert response.status_code == 200
    assert "&amp;lang=fr" in response.text
    assert 'title="Budget FR"' in response.text


async def test_oembed_in_a_language_runs_a_fixed_number_of_statements(
    client: httpx.AsyncClient, sql_counter: SQLCounter
) -> None:
    await multilingual()
    sql_counter.reset()
    assert (await oembed(client, "budget", lang="fr-CH")).status_code == 200
    # the post at the URL, its version in the chain, that version's authors
    assert sql_counter.count == 3, sql_counter.statements
