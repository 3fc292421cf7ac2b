"""References to composed types, for annotations in core and plugin code.

Use these instead of importing a type class: the class in the schema is composed at start-up
from the core body and every plugin's extension, so only a lazy reference by name finds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

from hub.graphql.lazy import COMPOSED, ref

__all__ = ["COMPOSED", "PersonRef", "PostRef", "SectionRef", "ThemeRef", "ref"]

# The content types are generated from their declarations (hub.content.node_types), so mypy
# knows them as Any.
if TYPE_CHECKING:
    PostRef: TypeAlias = Any
    PersonRef: TypeAlias = Any
    SectionRef: TypeAlias = Any
    ThemeRef: TypeAlias = Any
else:
    PostRef = ref("Post")
    PersonRef = ref("Person")
    SectionRef = ref("Section")
    ThemeRef = ref("Theme")
