"""References to composed types, for annotations in core and plugin code.

Use these instead of importing a type class: the class in the schema is composed at start-up
from the core body and every plugin's extension, so only a lazy reference by name finds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from hub.graphql.lazy import COMPOSED, ref

__all__ = ["COMPOSED", "PersonRef", "PostRef", "SectionRef", "ThemeRef", "ref"]

if TYPE_CHECKING:
    from hub.content.types import PersonType, PostType, SectionType, ThemeType

    PostRef: TypeAlias = PostType
    PersonRef: TypeAlias = PersonType
    SectionRef: TypeAlias = SectionType
    ThemeRef: TypeAlias = ThemeType
else:
    PostRef = ref("Post")
    PersonRef = ref("Person")
    SectionRef = ref("Section")
    ThemeRef = ref("Theme")
