"""Content types are declared once: a mutation and an import find the same problems with the
same words, and the modules import without a cycle. (The models are built from the
declarations: tests/test_model_building.py.)"""

from __future__ import annotations

import ast
from collections.abc import Collection
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette

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


def _imported_modules(path: Path, modules: Collection[str]) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                # `from hub.content import models` imports the module; `from hub import X`
                # a name of the package.
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in modules else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_hub_modules_import_each_other_without_a_cycle() -> None:
    # Imports inside functions and under TYPE_CHECKING count too: a cycle hidden that way is
    # still a knot (types -> queries -> loaders -> types was one).
    root = Path(__file__).parent.parent / "hub"
    modules = {
        ".".join(path.relative_to(root.parent).with_suffix("").parts).removesuffix(
            ".__init__"
        ): path
        for path in root.rglob("*.py")
        if "migrations" not in path.parts
    }
    graph = {
        name: {
            other
            for other in _imported_modules(path, modules)
            if other in modules and other != name
        }
        for name, path in modules.items()
    }
    done: set[str] = set()

    def walk(name: str, trail: list[str]) -> None:
        if name in trail:
            raise AssertionError(
                "import cycle: " + " -> ".join([*trail[trail.index(name) :], name])
            )
        if name in done:
            return
        for other in sorted(graph[name]):
            walk(other, [*trail, name])
        done.add(name)

    for name in sorted(graph):
        walk(name, [])


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
