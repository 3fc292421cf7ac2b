"""Per-request DataLoaders for the content types.

Each loader is one SQL statement for a whole batch of keys. A post's authors, themes and
sections are loaded by :mod:`hub.content.relations`.

Most are generated from the declarations (:mod:`hub.content.type_loaders`); statements whose
only parameters are the batch's keys are built once per dialect and batch size
(:class:`~hub.content.keyed.KeyedStatement`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from hub.content.core_types import PERSON, POST, SECTION, THEME
from hub.content.linked_translations import post_translations_loader
from hub.content.type_loaders import row_key, type_loaders
from hub.content.types import PersonType, PostType, SectionType, ThemeType
from hub.content.visibility import visible_posts
from hub.graphql.context import Context, LoaderFactory
from hub.rows import fetch_values

# The columns of each type's rows, from its declaration (hub/content/core_types.py).
PERSON_FIELDS = PERSON.row_columns
SECTION_FIELDS = SECTION.row_columns
THEME_FIELDS = THEME.row_columns
POST_FIELDS = POST.row_columns


def _posts_by(column: str) -> LoaderFactory:
    """Posts by ``id`` or by ``public_id`` (the keys of global IDs), as the asker may see them."""
    key = row_key(column)

    def factory(context: Context) -> DataLoader[Any, Any]:
        async def load(keys: Sequence[Any]) -> list[Any]:
            query = visible_posts(context).filter(**{f"{column}__in": list(keys)})
            rows = await fetch_values(query.values(*POST_FIELDS), list(POST_FIELDS))
            found = {key(row): PostType.from_row(row) for row in rows}
            return [found.get(wanted) for wanted in keys]

        return DataLoader(load_fn=load)

    return factory


def dataloaders() -> Mapping[str, LoaderFactory]:
    """The core types' loaders: generated from the declarations, but ``post_by_id`` and
    ``post_by_public_id`` see only what the asker may read."""
    return {
        **type_loaders(THEME, ThemeType.from_row),
        **type_loaders(SECTION, SectionType.from_row),
        # Board members first, in board order: how a section lists its people.
        **type_loaders(PERSON, PersonType.from_row, order=("board_order", "name")),
        **type_loaders(POST, PostType.from_row),
        "post_by_id": _posts_by("id"),
        "post_by_public_id": _posts_by("public_id"),
        "post_translations": post_translations_loader(),
    }
