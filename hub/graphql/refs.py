"""References to composed types, for annotations in core and plugin code.

Use these instead of importing a type class: the class in the schema is composed at start-up
from the core body and every plugin's extension, so only a lazy reference by name finds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

import strawberry

COMPOSED = "hub.graphql.composed"

if TYPE_CHECKING:
    from hub.content.types import PersonType, PostType, SectionType, ThemeType

    PostRef: TypeAlias = PostType
    PersonRef: TypeAlias = PersonType
    SectionRef: TypeAlias = SectionType
    ThemeRef: TypeAlias = ThemeType
else:
    PostRef = Annotated["Post", strawberry.lazy(COMPOSED)]  # noqa: F821
    PersonRef = Annotated["Person", strawberry.lazy(COMPOSED)]  # noqa: F821
    SectionRef = Annotated["Section", strawberry.lazy(COMPOSED)]  # noqa: F821
    ThemeRef = Annotated["Theme", strawberry.lazy(COMPOSED)]  # noqa: F821


def ref(type_name: str) -> Any:
    """A lazy reference to any composed type by GraphQL name (for plugin types).

    For mypy, alias the name to your body class under ``TYPE_CHECKING`` (see ``PostRef`` here).
    """
    return Annotated[type_name, strawberry.lazy(COMPOSED)]
