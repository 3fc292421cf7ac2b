"""The content model: sections, people, themes and posts, built from their declarations.

The classes are built by :func:`~hub.content.model_building.model_for` from
``hub/content/core_types.py``; they are named here because Tortoise finds an app's models as
attributes of its modules, and because ``hub.Post`` and the others are public API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hub.content.core_types import PERSON, POST, SECTION, THEME
from hub.content.model_building import (
    DeclaredModel,
    Timestamped,
    Versioned,
    link_models,
    model_for,
)
from hub.content.post_status import PostStatus
from hub.content.translation_models import translation_model

if TYPE_CHECKING:
    # What a type checker sees: the columns come from the declarations at run time, so their
    # attributes are typed Any (DeclaredModel); the classes stay distinct types.
    class Section(DeclaredModel, Timestamped): ...

    class Theme(DeclaredModel, Versioned): ...

    class Person(DeclaredModel, Timestamped): ...

    class Post(DeclaredModel, Timestamped): ...

    class PostAuthor(DeclaredModel): ...

    class PostTheme(DeclaredModel): ...

    class PostSection(DeclaredModel): ...

    class SectionTranslation(DeclaredModel): ...

    class PersonTranslation(DeclaredModel): ...

    class ThemeTranslation(DeclaredModel): ...

else:
    # Referenced types first: a foreign key names its target's model.
    Section = model_for(SECTION, app="hub")
    Theme = model_for(THEME, app="hub")
    Person = model_for(PERSON, app="hub")
    Post = model_for(POST, app="hub")
    PostAuthor, PostTheme, PostSection = link_models(POST)
    SectionTranslation = translation_model(SECTION)
    PersonTranslation = translation_model(PERSON)
    ThemeTranslation = translation_model(THEME)

__all__ = [
    "Person",
    "PersonTranslation",
    "Post",
    "PostAuthor",
    "PostSection",
    "PostStatus",
    "PostTheme",
    "Section",
    "SectionTranslation",
    "Theme",
    "ThemeTranslation",
    "Timestamped",
    "Versioned",
]
