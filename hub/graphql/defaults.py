"""Core GraphQL features, registered as a default plugin: Relay nodes and the safety limits."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import strawberry
from strawberry import relay
from strawberry.extensions import SchemaExtension

from hub.graphql.introspection import introspection_extensions
from hub.graphql.operation_types import RecordOperationTypes
from hub.graphql.safety import safety_extensions
from hub.hookimpl import hookimpl
from hub.settings import Settings


@strawberry.type
class NodeQueries:
    node: relay.Node | None = relay.node(
        description="Any object by its global ID, or null when there is none to see."
    )
    nodes: list[relay.Node | None] = relay.node(
        description="Objects by global IDs, in the order asked; null where there is none to see."
    )


@hookimpl
def register_queries() -> Sequence[type]:
    return [NodeQueries]


@hookimpl
def register_schema_extensions(
    settings: Settings,
) -> Sequence[type[SchemaExtension] | Callable[[], SchemaExtension]]:
    extensions = [*safety_extensions(settings), *introspection_extensions(settings)]
    if settings.cors_public_reads:
        extensions.append(RecordOperationTypes)
    return extensions
