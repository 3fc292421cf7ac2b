"""Which operation of a document to run: with several, the client must name one.

Strawberry runs the first operation of a document when the request names none; the GraphQL spec
("GetOperation") and GraphQL over HTTP ask for a request error instead, so a client never runs an
operation it did not choose.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext


def operation_name_given(context: ExecutionContext) -> bool:
    # ``ExecutionContext.operation_name`` falls back to the first operation's name, so only the
    # private attribute says whether the client gave one; tests/test_bad_input.py fails when
    # an upgrade renames it.
    return context._provided_operation_name is not None


class OneOperationOrAName(SchemaExtension):
    """A request error when a document has several operations and the request names none."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and not operation_name_given(context):
            names = [
                definition.name.value if definition.name else None
                for definition in document.definitions
                if isinstance(definition, OperationDefinitionNode)
            ]
            # Several operations with one anonymous already fail validation, more clearly.
            if len(names) > 1 and None not in names:
                listed = ", ".join(name for name in names if name)
                error = GraphQLError(
                    f"The document has {len(names)} operations ({listed}): say which one to "
                    "run with `operationName`.",
                    extensions={"code": "BAD_USER_INPUT", "argument": "operationName"},
                )
                context.pre_execution_errors = [*(context.pre_execution_errors or []), error]
        yield
