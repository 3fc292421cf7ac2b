"""Lazy references to composed types by GraphQL name: what ``hub.graphql.refs`` is made of."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

#: The module the composed types are published in once the schema is built.
COMPOSED = "hub.graphql.composed"


def ref(type_name: str) -> Any:
    """A lazy reference to any composed type by GraphQL name (for plugin types).

    For mypy, alias the name to your body class under ``TYPE_CHECKING`` (see ``PostRef`` in
    :mod:`hub.graphql.refs`).
    """
    return Annotated[type_name, strawberry.lazy(COMPOSED)]
