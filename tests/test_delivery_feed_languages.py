"""Feeds in a language (``lang=fr-CH``): each translation group once, in the first language of
the fallback chain (fr-CH, fr, the default language) it has a public version in; content with
no version in the chain left out; the feed's language declared and its other languages linked."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import httpx
import hub_delivery.plugin
import pytest
from hub_delivery.settings import FEED_TITLE, MAX_AGE, POST_URL

from hub.content.models import PersonTranslation, PostStatus, SectionTranslation, ThemeTranslation
from hub.settings import Settings
from tests import factories
from tests.conftest import SQLCounter

POST_URL_PATTERN = "https://example.org/news/{slug}"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DC = "{http://purl.org/dc/elements/1.1/}"


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_delivery.plugin]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # The organisation writes in English (HUB_DEFAULT_LANGUAGE's default): the chain's last link.
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        extra={POST_URL: POST_URL_PATTERN, MAX_AGE: 60, FEED_TITLE: "Hub"},
    )


async def multilingual() -> None:
    """Oldest first (the factories publish each post an hour after the one before)."""
    # Every language version of the budget, Swiss French included.
    await factories.post("budget", title="Budget", language="en", translation_group="budget")
    await factories.post("budget-fr", title="Budget FR", language="fr", translation_group="budget")
    await factories.post(
        "budget-ch", title="Budget CH", language="fr-CH", translation_group="budget"
    )
    # No Swiss French: French serves the Swiss reader.
    await factories.post("march", title="March", language="en", translation_group="march")
    await factories.post("marche", title="Marche", language="fr", translation_group="march")
    # Not translated at all, in the default language: the end of every chain.
    await factories.post("notice", title="Notice", language="en")
    # Its French version is a draft: the French reader gets the published English one.
    await factories.post("appeal", title="Appeal", language="en", translation_group="appeal")
    await factories.post(
        "appel",
        title="Appel (draft)",
        language="fr",
        translation_group="appeal",
        status=PostStatus.DRAFT,
        published_at=None,
    )
    # No version in fr-CH, fr or en: left out of French feeds.
    await factories.post("bericht", title="Bericht", language="de", translation_group="bericht")
    await factories.post("informe", title="Informe", language="es", translation_group="bericht")
    await factories.post("hinweis", title="Hinweis", language="de")


async def feed(client: httpx.AsyncClient, extension: str, **params: str) -> httpx.Response:
    response = await client.get(f"/feeds/posts.{extension}", params=params)
    assert response.status_code == 200, response.text
    return response


def links_of(extension: str, response: httpx.Response) -> list[str]:
    if extension == "json":
        return [item["url"] for item in response.json()["items"]]
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return [entry.link for entry in parsed.entries]


def news(*slugs: str) -> list[str]:
    return [POST_URL_PATTERN.format(slug=slug) for slug in slugs]


@pytest.mark.parametrize("extension", ["rss", "atom", "json"])
async def test_swiss_french_feed_falls_back_to_french_then_english(
    client: httpx.AsyncClient, extension: str
) -> None:
    await multilingual()
    response = await feed(client, extension, lang="fr-CH")
    # Newest first; nothing German or Spanish, no draft, each group once.
    assert links_of(extension, response) == news("appeal", "notice", "marche", "budget-ch")


@pytest.mark.parametrize(
    ("lang", "slugs"),
    [
        ("fr", ["appeal", "notice", "marche", "budget-fr"]),
        ("en", ["appeal", "notice", "march", "budget"]),
        # German: the German ones, and the rest in English (the default language).
        ("de", ["hinweis", "bericht", "appeal", "notice", "march", "budget"]),
        ("es", ["bericht", "appeal", "notice", "march", "budget"]),
    ],
)
async def test_each_language_gets_its_versions_and_the_default_language_for_the_rest(
    client: httpx.AsyncClient, lang: str, slugs: list[str]
) -> None:
    await multilingual()
    response = await feed(client, "json", lang=lang)
    links = links_of("json", response)
    if lang == "es":
        # The Bericht group's Spanish version ("informe") is the one served.
        slugs = [s if s != "bericht" else "informe" for s in slugs]
    assert links == news(*slugs)


async def test_a_post_with_no_version_in_the_chain_is_left_out(client: httpx.AsyncClient) -> None:
    await multilingual()
    french = links_of("json", await feed(client, "json", lang="fr"))
    assert not set(news("bericht", "informe", "hinweis")) & set(french)
    # The feed of every language still lists them all.
    everything = links_of("json", await feed(client, "json", limit="100"))
    assert set(news("bericht", "informe", "hinweis")) <= set(everything)


async def test_feeds_declare_their_language_in_each_format(client: httpx.AsyncClient) -> None:
    await multilingual()
    rss = ET.fromstring((await feed(client, "rss", lang="FR-ch")).content)
    assert rss.findtext("channel/language") == "fr-CH"  # canonical case, whatever was sent
    atom = ET.fromstring((await feed(client, "atom", lang="fr-CH")).content)
    assert atom.get(XML_LANG) == "fr-CH"
    assert (await feed(client, "json", lang="fr-CH")).json()["language"] == "fr-CH"
    # The hub's tag check takes an underscore for a hyphen: so does the feed.
    assert (await feed(client, "json", lang="fr_ch")).json()["language"] == "fr-CH"
    # The feed of every language declares none: it is not in one.
    assert ET.fromstring((await feed(client, "rss")).content).find("channel/language") is None
    assert "language" not in (await feed(client, "json")).json()


async def test_fallback_items_say_their_own_language(client: httpx.AsyncClient) -> None:
    await multilingual()
    atom = ET.fromstring((await feed(client, "atom", lang="fr-CH")).content)
    languages = {
        entry.findtext(f"{ATOM}id"): entry.get(XML_LANG) for entry in atom.iter(f"{ATOM}entry")
    }
    # Inherited from the feed where it is the feed's own, stated where it is a fallback.
    assert languages == dict(
        zip(news("appeal", "notice", "marche", "budget-ch"), ["en", "en", "fr", None], strict=True)
    )
    rss = ET.fromstring((await feed(client, "rss", lang="fr-CH")).content)
    assert [item.findtext(f"{DC}language") for item in rss.iter("item")] == [
        "en", "en", "fr", "fr-CH"
    ]  # fmt: skip
    items = (await feed(client, "json", lang="fr-CH")).json()["items"]
    assert [item["language"] for item in items] == ["en", "en", "fr", "fr-CH"]


@pytest.mark.parametrize(
    ("extension", "tag", "media_type"),
    [("rss", "channel/{atom}link", "application/rss+xml"), ("atom", "{atom}link",
     "application/atom+xml")],
)  # fmt: skip
async def test_xml_feeds_link_to_themselves_in_the_other_languages(
    client: httpx.AsyncClient, extension: str, tag: str, media_type: str
) -> None:
    await multilingual()
    response = await feed(client, extension, lang="fr-CH", limit="3")
    root = ET.fromstring(response.content)
    alternates = [
        (link.get("hreflang"), link.get("href"), link.get("type"))
        for link in root.findall(tag.format(atom=ATOM))
        if link.get("rel") == "alternate" and link.get("hreflang")
    ]
    base = f"http://hub.test/feeds/posts.{extension}?limit=3"
    # Every language the content exists in but the feed's own (fr-CH), then the feed of every
    # language for readers of none of them (x-default), its other parameters kept.
    assert alternates == [
        *((lang, f"{base}&lang={lang}", media_type) for lang in ("de", "en", "es", "fr")),
        ("x-default", base, media_type),
    ]


async def test_feed_of_every_language_links_to_each_language_and_drops_language(
    client: httpx.AsyncClient,
) -> None:
    await multilingual()
    # ``language=de`` is the exact German filter; its alternates are the language feeds.
    root = ET.fromstring((await feed(client, "atom", language="de")).content)
    hrefs = {
        link.get("hreflang"): link.get("href")
        for link in root.findall(f"{ATOM}link")
        if link.get("hreflang")
    }
    assert hrefs == {
        **{
            lang: f"http://hub.test/feeds/posts.atom?lang={lang}"
            for lang in ("de", "en", "es", "fr", "fr-CH")
        },
        "x-default": "http://hub.test/feeds/posts.atom",
    }
    # The feed of every language is the x-default itself: it links to the languages only.
    root = ET.fromstring((await feed(client, "atom")).content)
    tags = [link.get("hreflang") for link in root.findall(f"{ATOM}link")]
    assert [tag for tag in tags if tag] == ["de", "en", "es", "fr", "fr-CH"]
    assert "x-default" not in (await feed(client, "json")).text


async def test_json_feed_gives_its_alternates_in_its_extension_object(
    client: httpx.AsyncClient,
) -> None:
    await multilingual()
    answer = (await feed(client, "json", lang="en")).json()
    assert answer["_hub"]["alternate_feeds"] == [
        *(
            {"language": lang, "feed_url": f"http://hub.test/feeds/posts.json?lang={lang}"}
            for lang in ("de", "es", "fr", "fr-CH")
        ),
        {"language": "x-default", "feed_url": "http://hub.test/feeds/posts.json"},
    ]
    budget = answer["items"][-1]
    assert budget["url"] == news("budget")[0]
    assert budget["_hub"]["translations"] == [
        {"language": "fr", "url": news("budget-fr")[0]},
        {"language": "fr-CH", "url": news("budget-ch")[0]},
    ]
    # Not translated (or its translation a draft): no translations member.
    assert [item.get("_hub") for item in answer["items"][:2]] == [None, None]


def alternates(parent: ET.Element, tag: str) -> list[tuple[str | None, str | None]]:
    return [
        (link.get("hreflang"), link.get("href"))
        for link in parent.findall(tag)
        if link.get("rel") == "alternate"
    ]


async def test_items_link_to_their_public_translations(client: httpx.AsyncClient) -> None:
    await multilingual()
    atom = ET.fromstring((await feed(client, "atom", lang="fr")).content)
    entries = {entry.findtext(f"{ATOM}id"): entry for entry in atom.iter(f"{ATOM}entry")}
    # Its own page first, its translations, then itself in the hreflang set: the first and
    # the last alternate are its own page, whichever one a reader takes.
    assert alternates(entries[news("budget-fr")[0]], f"{ATOM}link") == [
        (None, news("budget-fr")[0]),
        ("en", news("budget")[0]),
        ("fr-CH", news("budget-ch")[0]),
        ("fr", news("budget-fr")[0]),
    ]
    # The French draft is no alternate (readers could not open it): the appeal has none.
    assert alternates(entries[news("appeal")[0]], f"{ATOM}link") == [(None, news("appeal")[0])]
    rss = ET.fromstring((await feed(client, "rss", lang="fr")).content)
    item = next(i for i in rss.iter("item") if i.findtext("link") == news("marche")[0])
    assert alternates(item, f"{ATOM}link") == [("en", news("march")[0]), ("fr", news("marche")[0])]
    # feedparser (which takes an item's last alternate) still reads each item's own link.
    parsed = feedparser.parse((await feed(client, "atom", lang="fr")).content)
    assert [entry.link for entry in parsed.entries] == [entry.id for entry in parsed.entries]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"lang": "not a language"}, "lang: 'not a language' is not a BCP 47"),
        ({"lang": "fr-"}, "lang: 'fr-' is not a BCP 47"),
        ({"lang": ""}, "lang: '' is not a BCP 47"),
        ({"lang": "fr", "language": "fr"}, "language and lang are both given"),
    ],
)
@pytest.mark.parametrize("extension", ["rss", "json"])
async def test_malformed_lang_is_400_naming_the_parameter(
    client: httpx.AsyncClient, params: dict[str, str], message: str, extension: str
) -> None:
    response = await client.get(f"/feeds/posts.{extension}", params=params)
    assert response.status_code == 400
    assert response.text.startswith(message), response.text
    assert response.headers["cache-control"] == "no-store"


async def test_a_language_without_content_is_an_empty_feed_of_that_language(
    client: httpx.AsyncClient,
) -> None:
    await factories.post("hinweis", title="Hinweis", language="de")
    answer = (await feed(client, "json", lang="ja")).json()
    assert answer["items"] == []
    assert answer["language"] == "ja"
    assert [a["language"] for a in answer["_hub"]["alternate_feeds"]] == ["de", "x-default"]


async def test_each_language_has_its_own_etag_and_never_answers_304_for_another(
    client: httpx.AsyncClient,
) -> None:
    await multilingual()
    english = await feed(client, "rss", lang="en")
    french = await client.get(
        "/feeds/posts.rss",
        params={"lang": "fr"},
        headers={"If-None-Match": english.headers["etag"]},
    )
    assert french.status_code == 200
    assert french.headers["etag"] != english.headers["etag"]
    assert b"<language>fr</language>" in french.content
    # The same language still revalidates.
    again = await client.get(
        "/feeds/posts.rss",
        params={"lang": "en"},
        headers={"If-None-Match": english.headers["etag"]},
    )
    assert again.status_code == 304
    # Both are purged by any post change, as every feed is.
    assert french.headers["surrogate-key"].split()[0] == "Post"


async def translated_posts(start: int, end: int) -> None:
    """Groups ``start`` to ``end``, each in English, French and Swiss French, with an author."""
    author = await factories.person(f"author-{start}", name=f"Author {start}")
    for n in range(start, end):
        for language in ("en", "fr", "fr-CH"):
            await factories.post(
                f"post-{n}-{language.lower()}",
                language=language,
                translation_group=f"group-{n}",
                authors=[author],
            )


@pytest.mark.parametrize("extension", ["rss", "atom", "json"])
async def test_a_language_feed_runs_the_same_statements_for_2_and_20_posts(
    client: httpx.AsyncClient, sql_counter: SQLCounter, extension: str
) -> None:
    counts = []
    for start, end in ((0, 2), (2, 20)):
        await translated_posts(start, end)
        sql_counter.reset()
        response = await feed(client, extension, lang="fr-CH", limit="100")
        assert len(links_of(extension, response)) == end
        counts.append(sql_counter.count)
    # The posts, their authors, the languages of the content, their translation groups.
    assert counts == [4, 4], sql_counter.statements


async def narrowed() -> None:
    """A theme, a section and an author, the theme and section translated into French."""
    theme = await factories.theme("peace", name="Peace")
    section = await factories.section("cameroon", name="WILPF Cameroon", country_code="CM")
    ada = await factories.person("ada", name="Ada", role="President")
    await ThemeTranslation.create(theme_id=theme.id, language="fr", name="Paix")
    # A translation may leave the name out: the next language of the chain serves it.
    await ThemeTranslation.create(theme_id=theme.id, language="fr-CH", description="Suisse")
    await SectionTranslation.create(section_id=section.id, language="fr", name="LIFPL Cameroun")
    await PersonTranslation.create(person_id=ada.id, language="fr", role="Présidente")
    for slug, language in (("peace", "en"), ("paix", "fr")):
        await factories.post(
            slug, language=language, translation_group="peace", themes=[theme],
            sections=[section], authors=[ada],
        )  # fmt: skip


@pytest.mark.parametrize(
    ("lang", "title"),
    [
        ("fr-CH", "Hub — Theme: Paix — Section: LIFPL Cameroun — Author: Ada"),
        ("fr", "Hub — Theme: Paix — Section: LIFPL Cameroun — Author: Ada"),
        # No German translation: the stored names, in the organisation's language.
        ("de", "Hub — Theme: Peace — Section: WILPF Cameroon — Author: Ada"),
        (None, "Hub — Theme: Peace — Section: WILPF Cameroon — Author: Ada"),
    ],
)
@pytest.mark.parametrize("extension", ["rss", "atom", "json"])
async def test_a_feed_in_a_language_names_its_theme_and_section_in_it(
    client: httpx.AsyncClient, lang: str | None, title: str, extension: str
) -> None:
    await narrowed()
    params = {"theme": "peace", "section": "cameroon", "author": "ada"}
    response = await feed(client, extension, **params, **({"lang": lang} if lang else {}))
    if extension == "json":
        assert response.json()["title"] == title
    else:
        parsed = feedparser.parse(response.content)
        assert parsed.feed.title == title
    # The group once in a language, both versions in the feed of every language.
    assert len(links_of(extension, response)) == (1 if lang else 2)


async def test_an_unknown_theme_is_still_a_404_in_a_language(client: httpx.AsyncClient) -> None:
    await narrowed()
    response = await client.get("/feeds/posts.json", params={"theme": "nope", "lang": "fr"})
    assert response.status_code == 404
    assert response.text == "there is no theme with slug 'nope'\n"


async def test_a_theme_feed_in_a_language_reads_the_theme_in_one_statement(
    client: httpx.AsyncClient, sql_counter: SQLCounter
) -> None:
    await narrowed()
    sql_counter.reset()
    await feed(client, "json", lang="fr-CH", theme="peace")
    # The theme's name with its translations (joined), then the feed's four (the posts, their
    # authors, the languages, the translation groups).
    assert sql_counter.count == 5, sql_counter.statements
