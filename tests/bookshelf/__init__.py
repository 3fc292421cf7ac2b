"""A plugin declaring its own content type, as a third party would: a book with a section, a
page count and ordered authors. Its model and link model are built from the declaration
(``models.py``) and its migration was written by ``hub makemigrations``."""

from __future__ import annotations

from collections.abc import Sequence

from hub import ContentType, ModelApp, declare, hookimpl

BOOK = ContentType(
    "Book",
    plural="books",
    description="A book the organisation published.",
    fields={
        "slug": declare.slug(),
        "title": declare.short_text(200, required=True),
        "pages": declare.integer(nullable=True, default=None, minimum=1, maximum=5000),
        "section": declare.foreign_key("Section"),
        "shop_url": declare.url(),
    },
    links={"authors": declare.links("Person", ordered=True)},
    table="bookshelf_books",
    indexes=(("title", "id"),),
    timestamped=False,
)


@hookimpl
def register_models() -> Sequence[ModelApp]:
    return [ModelApp(label="bookshelf", modules=("tests.bookshelf.models",))]


@hookimpl
def register_content_types() -> Sequence[ContentType]:
    return [BOOK]
