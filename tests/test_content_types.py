"""Content types are declared once: a mutation and an import find the same problems with the
same words. (The models are built from the declarations: tests/test_model_building.py; the
modules import without a cycle: tests/test_code_shape.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

from hub.content.content_type import ContentType
from hub.content.core_types import PERSON, POST, SECTION, THEME
from hub.content.field_kinds import NO_DEFAULT
from hub.content.record_extras import record_extra
from hub.content.transfer import InvalidContent, import_content
from tests.conftest import GraphQLClient
from tests.test_mutations import as_editor


def mutation_messages(payload: dict[str, Any]) -> list[str]:
    return [error["message"] for error in payload["errors"]]


async def test_a_mutation_and_an_import_refuse_the_same_values_in_the_same_words(
    app: Starlette, gql: GraphQLClient
) -> None:
    section = {
        "slug": "s",
        "name": "N" * 201,
        "country_code": "XX",
        # (A NUL character is refused too, but a request carrying one is refused whole before
        # any mutation runs: tests/test_bad_input.py.)
        "description": "fine",
        "founded_year": 1200,
        "website": "ftp://example.org",
    }
    await as_editor(gql)
    created = await gql.data(
        "mutation($input: CreateSectionInput!) { createSection(input: $input) "
        "{ section { slug } errors { field message code } } }",
        {
            "input": {
                "slug": "s",
                "name": section["name"],
                "countryCode": "XX",
                "description": section["description"],
                "foundedYear": 1200,
                "website": section["website"],
            }
        },
    )
    with pytest.raises(InvalidContent) as raised:
        await import_content(app.state.hub.plugin_manager, {"sections": [section]})

    imported = raised.value.problems
    assert [problem.field for problem in imported] == [
        "name", "country_code", "founded_year", "website",
    ]  # fmt: skip
    assert [error["field"] for error in created["createSection"]["errors"]] == [
        "name", "countryCode", "foundedYear", "website",
    ]  # fmt: skip
    labels = ["name", "countryCode", "foundedYear", "website"]
    assert mutation_messages(created["createSection"]) == [
        f"{label}: {problem.message}." for label, problem in zip(labels, imported, strict=True)
    ]
    assert [problem.message for problem in imported] == [
        "is 201 characters long; the most is 200",
        "'XX' is not an ISO 3166-1 alpha-2 country code (such as 'DE')",
        "is 1200; it must be from 1800 to 2200",
        "'ftp://example.org' is not an http(s) URL",
    ]
    assert [error["code"] for error in created["createSection"]["errors"]] == [
        "TOO_LONG", "INVALID", "INVALID", "INVALID",
    ]  # fmt: skip


async def test_an_import_reads_a_country_code_as_a_mutation_does(app: Starlette) -> None:
    document = {"sections": [{"slug": "s", "name": "S", "country_code": " de "}]}
    await import_content(app.state.hub.plugin_manager, document)
    from hub.content.models import Section

    assert await Section.filter(slug="s").values_list("country_code", flat=True) == ["DE"]


async def test_an_import_names_a_reference_by_slug_only(app: Starlette) -> None:
    document = {"people": [{"slug": "p", "name": "P", "section": 5}]}
    with pytest.raises(InvalidContent) as raised:
        await import_content(app.state.hub.plugin_manager, document)
    assert [str(problem) for problem in raised.value.problems] == [
        'people[0] (slug "p"): field "section": must be the slug of a Section, not 5'
    ]


def test_a_plugin_declares_a_type_and_gets_its_row_reader_and_validation() -> None:
    from dataclasses import dataclass

    from hub import ContentType, check_values, declare, row_reader
    from hub.content.models import Theme

    @dataclass
    class Book:
        id: int
        public_id: str
        slug: str
        title: str
        shop_url: str | None
        pages: int | None

    book = ContentType(
        "Book",
        Theme,  # any model: nothing here touches the database
        plural="books",
        fields={
            "slug": declare.slug(),
            "title": declare.short_text(10, required=True),
            "shop_url": declare.url(),
            "note": declare.text(private=True),
            "pages": declare.integer(nullable=True, default=None, minimum=1, maximum=9),
        },
    )
    read = row_reader(book, Book)
    row = {
        "id": 1, "public_id": "p", "slug": "b", "title": "T", "shop_url": "", "note": "secret",
        "pages": 3,
    }  # fmt: skip
    assert read(row) == Book(id=1, public_id="p", slug="b", title="T", shop_url=None, pages=3)
    assert book.row_columns == ("id", "public_id", "slug", "title", "shop_url", "note", "pages")

    values, problems = check_values(
        book, {"title": " Much too long ", "pages": True, "shop_url": None}, complete=True
    )
    assert [(p.field, p.message, p.code) for p in problems] == [
        ("slug", "is required", "required"),
        ("title", "is 13 characters long; the most is 10", "too_long"),
        ("pages", "must be a whole number, not True", "invalid"),
    ]
    assert values == {"shop_url": "", "note": ""}


def _documented_fields(page: str, plural: str) -> dict[str, str]:
    """The ``field -> required`` rows of the table under ``## `plural` `` in ``page``."""
    section = page.split(f"\n## `{plural}`\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|") for line in section.splitlines() if line.startswith("| `")]
    return {cells[1].strip().strip("`"): cells[2].strip() for cells in rows}


@pytest.mark.parametrize("declared", [SECTION, PERSON, THEME, POST], ids=lambda t: t.plural)
def test_the_import_format_page_lists_the_declared_fields(declared: ContentType) -> None:
    # docs/import-format.md writes the core types' fields out for readers; the declaration is
    # the one place they are defined, so the page follows it: same fields, same order (the
    # order of export records, then a record's extras such as a post's old addresses), "yes"
    # exactly where a new record must give the field.
    page = (Path(__file__).parent.parent / "docs" / "import-format.md").read_text()
    documented = _documented_fields(page, declared.plural)
    extra = record_extra(declared)
    extras = list(extra.names) if extra is not None else []
    declared_names = [spec.name for spec in declared.writable] + list(declared.links) + extras
    assert list(documented) == declared_names
    must_give = {spec.name for spec in declared.writable if spec.default is NO_DEFAULT}
    assert {name for name, required in documented.items() if required == "yes"} == must_give
