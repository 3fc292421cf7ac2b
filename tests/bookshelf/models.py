"""The bookshelf's models, built from its declaration: Tortoise finds them here by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hub import link_models, model_for
from tests.bookshelf import BOOK

if TYPE_CHECKING:
    from tortoise.models import Model as Book
    from tortoise.models import Model as BookPerson
else:
    Book = model_for(BOOK, app="bookshelf")
    (BookPerson,) = link_models(BOOK)
