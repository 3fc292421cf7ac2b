"""Translations: posts linked in translation groups, sections, themes and people with translated
fields, served in the language asked for along its fallback chain; edited, imported, exported."""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette

from hub.access.models import AuditEntry
from hub.content.models import Person, Post, Section, Theme
from hub.content.transfer import InvalidContent, dump_json, export_content, import_content
from tests import factories
from tests.conftest import GraphQLClient, SQLCounter
from tests.test_import_export import pm_of, types_of
from tests.test_mutations import as_editor, gid

SET_SECTION = """
mutation($input: SetSectionTranslationInput!) {
  setSectionTranslation(input: $input) {
    section { name version translations { language name description } }
    errors { field message code }
  }
}"""
LINK = """
mutation($input: LinkPostTranslationInput!) {
  linkPostTranslation(input: $input) { post { slug version } errors { field message code } }
}"""


async def _section_in_french(gql: GraphQLClient) -> Section:
    section = await factories.section(
        "wilpf-cameroon", name="WILPF Cameroon", description="The section.", country_code="CM"
    )
    await as_editor(gql)
    data = await gql.data(
        SET_SECTION,
        {"input": {"id": gid("Section", section.id), "version": 1, "language": "fr",
                   "name": "LIFPL Cameroun"}},
    )  # fmt: skip
    assert data["setSectionTranslation"]["errors"] == []
    return section


async def test_a_section_is_served_in_the_asked_language_along_the_fallback_chain(
    gql: GraphQLClient,
) -> None:
    await _section_in_french(gql)
    query = 'query($l: String) { section(slug: "wilpf-cameroon", language: $l) { name description servedLanguage } }'  # noqa: E501
    # fr-CH has no translation: French is served; the untranslated description is the stored one.
    assert (await gql.data(query, {"l": "fr-ch"}))["section"] == {
        "name": "LIFPL Cameroun", "description": "The section.", "servedLanguage": "fr",
    }  # fmt: skip
    # German has none: the organisation's language (HUB_DEFAULT_LANGUAGE, en) is served.
    assert (await gql.data(query, {"l": "de"}))["section"] == {
        "name": "WILPF Cameroon", "description": "The section.", "servedLanguage": "en",
    }  # fmt: skip
    assert (await gql.data(query))["section"]["name"] == "WILPF Cameroon"


async def test_nested_objects_follow_the_operations_language(gql: GraphQLClient) -> None:
    section = await _section_in_french(gql)
    theme = await factories.theme("peace", name="Peace")
    await Theme.filter(id=theme.id).update(version=1)
    await gql.data(
        """mutation($input: SetThemeTranslationInput!) {
             setThemeTranslation(input: $input) { errors { message } } }""",
        {"input": {"id": gid("Theme", theme.id), "version": 1, "language": "fr", "name": "Paix"}},
    )
    await factories.post("news", themes=[theme], sections=[section])
    data = await gql.data(
        '{ posts(language: "fr") { edges { node { themes { name } sections { name } } } } }'
    )
    assert data["posts"]["edges"][0]["node"] == {
        "themes": [{"name": "Paix"}], "sections": [{"name": "LIFPL Cameroun"}],
    }  # fmt: skip


async def test_translated_lists_read_one_statement_more_per_translated_type(
    gql: GraphQLClient, sql_counter: SQLCounter
) -> None:
    await _section_in_french(gql)
    for n in range(5):
        await factories.section(f"section-{n}", name=f"Section {n}", country_code="DE")
    query = "query($l: String) { sections(first: 20, language: $l) { edges { node { name servedLanguage } } } }"  # noqa: E501
    sql_counter.reset()
    await gql.data(query)
    plain = sql_counter.count
    sql_counter.reset()
    data = await gql.data(query, {"l": "fr"})
    names = [edge["node"]["name"] for edge in data["sections"]["edges"]]
    assert "LIFPL Cameroun" in names
    assert len(names) == 6
    # Without a language no translation is read; with one, one statement for the whole page.
    assert sql_counter.count == plain + 1, sql_counter.statements


async def test_posts_are_linked_as_translations_each_with_its_own_slug_and_status(
    gql: GraphQLClient,
) -> None:
    await as_editor(gql)
    english = await factories.post("report", title="Report", language="en")
    french = await factories.post("rapport", title="Rapport", language="fr")
    await factories.post("bericht", title="Bericht", language="de", status="draft")
    await factories.post("alone", title="Alone", language="en")
    data = await gql.data(
        LINK, {"input": {"id": gid("Post", french.id), "version": 1,
                         "translationOf": gid("Post", english.id)}},
    )  # fmt: skip
    assert data["linkPostTranslation"] == {"post": {"slug": "rapport", "version": 2}, "errors": []}
    assert await Post.get(id=english.id).values_list("version", flat=True) == 2
    gql.headers.clear()  # anonymous readers see published posts only
    data = await gql.data(
        '{ post(slug: "report") { translations { slug language }'
        ' fr: translation(language: "fr-CH") { slug } de: translation(language: "de") { slug } } }'
    )
    assert data["post"] == {
        "translations": [{"slug": "rapport", "language": "fr"}], "fr": {"slug": "rapport"},
        "de": None,
    }  # fmt: skip
    # A list in French shows each group once, in French, and posts of no group in the chain.
    data = await gql.data('{ posts(language: "fr-CH") { totalCount edges { node { slug } } } }')
    assert sorted(edge["node"]["slug"] for edge in data["posts"]["edges"]) == ["alone", "rapport"]
    assert data["posts"]["totalCount"] == 2
    # A lookup in a language answers the group's version in it.
    data = await gql.data('{ post(slug: "report", language: "fr") { slug language } }')
    assert data["post"] == {"slug": "rapport", "language": "fr"}
    assert (await gql.data('{ post(slug: "alone", language: "fr") { slug } }'))["post"] == {
        "slug": "alone"
    }


async def test_a_group_holds_one_post_per_language(gql: GraphQLClient) -> None:
    await as_editor(gql)
    english = await factories.post("report", language="en")
    french = await factories.post("rapport", language="fr")
    other = await factories.post("rapport-bis", language="fr")
    for post in (french, other):
        data = await gql.data(
            LINK, {"input": {"id": gid("Post", post.id), "version": await _version(post),
                             "translationOf": gid("Post", english.id)}},
        )  # fmt: skip
    assert data["linkPostTranslation"]["errors"] == [
        {
            "field": "translationOf",
            "message": "The translation group already has a post in 'fr': 'rapport'. Change "
            "that one, or unlink it first.",
            "code": "TAKEN",
        }
    ]
    data = await gql.data(
        """mutation($input: UpdatePostInput!) { updatePost(input: $input) {
             errors { field code } } }""",
        {"input": {"id": gid("Post", english.id), "version": 2, "language": "fr"}},
    )
    assert data["updatePost"]["errors"] == [{"field": "language", "code": "TAKEN"}]
    data = await gql.data(
        LINK, {"input": {"id": gid("Post", english.id), "version": 2,
                         "translationOf": gid("Post", english.id)}},
    )  # fmt: skip
    assert data["linkPostTranslation"]["errors"][0]["field"] == "translationOf"
    data = await gql.data(
        """mutation($input: UnlinkPostTranslationInput!) { unlinkPostTranslation(input: $input) {
             post { translations { slug } } errors { message } } }""",
        {"input": {"id": gid("Post", french.id), "version": 2}},
    )
    assert data["unlinkPostTranslation"] == {"post": {"translations": []}, "errors": []}


async def _version(post: Post) -> int:
    version: int = await Post.get(id=post.id).values_list("version", flat=True)  # type: ignore[assignment]
    return version


async def test_translation_edits_are_checked_audited_and_versioned(gql: GraphQLClient) -> None:
    section = await _section_in_french(gql)
    section_id = gid("Section", section.id)
    data = await gql.data(
        SET_SECTION,
        {"input": {"id": section_id, "version": 2, "language": "fr", "description": "La section."}},
    )
    assert data["setSectionTranslation"] == {
        "section": {"name": "WILPF Cameroon", "version": 3, "translations": [
            {"language": "fr", "name": "LIFPL Cameroun", "description": "La section."}]},
        "errors": [],
    }  # fmt: skip
    assert await AuditEntry.filter(action="section.translate").count() == 2
    bad = await gql.data(
        SET_SECTION,
        {"input": {"id": section_id, "version": 3, "language": "français", "name": "x" * 201}},
    )
    assert [(e["field"], e["code"]) for e in bad["setSectionTranslation"]["errors"]] == [
        ("language", "INVALID"), ("name", "TOO_LONG"),
    ]  # fmt: skip
    default = await gql.data(
        SET_SECTION, {"input": {"id": section_id, "version": 3, "language": "EN", "name": "X"}}
    )
    assert "HUB_DEFAULT_LANGUAGE" in default["setSectionTranslation"]["errors"][0]["message"]
    stale = await gql.data(
        SET_SECTION, {"input": {"id": section_id, "version": 1, "language": "es", "name": "X"}}
    )
    assert stale["setSectionTranslation"]["errors"][0]["code"] == "CONFLICT"
    removed = await gql.data(
        """mutation($input: RemoveSectionTranslationInput!) {
             removeSectionTranslation(input: $input) { section { translations { language } } } }""",
        {"input": {"id": section_id, "version": 3, "language": "fr"}},
    )
    assert removed["removeSectionTranslation"]["section"]["translations"] == []


async def test_anonymous_clients_cannot_translate(gql: GraphQLClient) -> None:
    section = await factories.section("s", name="S", country_code="DE")
    body = await gql.query(
        SET_SECTION,
        {"input": {"id": gid("Section", section.id), "version": 1, "language": "fr", "name": "X"}},
    )
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_bad_or_second_language_argument_is_a_clear_error(gql: GraphQLClient) -> None:
    body = await gql.query('{ sections(language: "not a tag") { totalCount } }')
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "argument": "language"}
    assert "'not a tag' is not a BCP 47 language tag" in body["errors"][0]["message"]
    body = await gql.query(
        '{ a: sections(language: "fr") { totalCount } b: themes(language: "de") { name } }'
    )
    assert "one operation is served in one language" in body["errors"][0]["message"]


def _translated_document() -> dict[str, Any]:
    return {
        "sections": [
            {"slug": "wilpf-cameroon", "name": "WILPF Cameroon", "country_code": "CM",
             "translations": {"fr": {"name": "LIFPL Cameroun"}, "es": {"name": "LIMPAL Camerún",
                                                                      "description": "Sección."}}},
        ],
        "themes": [{"slug": "peace", "name": "Peace", "translations": {}}],
        "posts": [
            {"slug": "report", "title": "Report", "language": "en", "translation_group": "r-1"},
            {"slug": "rapport", "title": "Rapport", "language": "fr", "translation_group": "r-1"},
        ],
    }  # fmt: skip


async def test_translations_survive_export_import_export_byte_for_byte(app: Starlette) -> None:
    await import_content(pm_of(app), _translated_document())
    first = dump_json(await export_content(types_of(app)))
    exported = json.loads(first)
    assert exported["sections"][0]["translations"] == {
        "es": {"name": "LIMPAL Camerún", "description": "Sección."},
        "fr": {"name": "LIFPL Cameroun"},
    }
    assert "translations" not in exported["themes"][0]
    assert [post["translation_group"] for post in exported["posts"]] == ["r-1", "r-1"]
    for model in (Post, Person, Theme, Section):
        await model.all().delete()
    await import_content(pm_of(app), json.loads(first))
    assert dump_json(await export_content(types_of(app))) == first
    # Importing it again changes nothing; a record without translations leaves none.
    report = await import_content(pm_of(app), json.loads(first))
    assert report.updated == {"sections": 0, "people": 0, "themes": 0, "posts": 0}
    document = json.loads(first)
    del document["sections"][0]["translations"]
    await import_content(pm_of(app), document)
    assert "translations" not in (await export_content(types_of(app)))["sections"][0]


async def test_bad_translations_in_a_file_are_reported_with_their_record(app: Starlette) -> None:
    document = _translated_document()
    document["sections"][0]["translations"] = {
        "xx!!": {"name": "?"},
        "fr": {"name": "x" * 201, "country_code": "FR"},
        "de": "Name",
    }
    try:
        await import_content(pm_of(app), document)
    except InvalidContent as invalid:
        problems = [str(problem) for problem in invalid.problems]
    else:
        raise AssertionError("the file was imported")
    assert problems == [
        'sections[0] (slug "wilpf-cameroon"): field "translations": \'xx!!\' is not a BCP 47 '
        "language tag (such as 'en' or 'pt-BR')",
        'sections[0] (slug "wilpf-cameroon"): field "translations": fr: \'country_code\' is not '
        "translatable (name, description are)",
        'sections[0] (slug "wilpf-cameroon"): field "translations": fr.name: is 201 characters '
        "long; the most is 200",
        'sections[0] (slug "wilpf-cameroon"): field "translations": de: must be an object of '
        "fields (name, description)",
    ]
    assert await Section.all().count() == 0
