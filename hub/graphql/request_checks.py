"""Checks of a request before it runs, each a request error (``BAD_USER_INPUT``) when it fails.

- Which operation to run: Strawberry runs the first operation of a document when the request
  names none; the GraphQL spec ("GetOperation") and GraphQL over HTTP ask for a request error
  instead, so a client never runs an operation it did not choose.
- Text the databases can store: PostgreSQL refuses the NUL character (U+0000) in text, so a
  string argument holding one would fail in the database as a server error; SQLite would keep
  it and cut the text short in some readers. Django refuses it in every form field for the same
  reason; here every string a request carries (in the document or its variables) is checked.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import GraphQLError, OperationDefinitionNode, StringValueNode, Visitor, visit
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


NUL = "\x00"


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, Mapping):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


class _NulLiterals(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[StringValueNode] = []

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if NUL in node.value:
            self.found.append(node)


def nul_error(where: str, nodes: list[StringValueNode] | None = None) -> GraphQLError:
    return GraphQLError(
        f"{where} holds the NUL character (U+0000), which no text here may contain: remove it.",
        nodes=nodes,
        extensions={"code": "BAD_USER_INPUT"},
    )


class NoNulInText(SchemaExtension):
    """A request error when a string in the document or its variables holds U+0000."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        errors = [
            nul_error(f"The variable ${name}")
            for name, value in (context.variables or {}).items()
            if _holds_nul(value)
        ]
        # In a document, the character can only be written as an escape (``\u0000``,
        # ``\u{0}``; the lexer refuses it raw): the AST is walked only when the text has one.
        document = context.graphql_document
        if document is not None and context.query and "\\u" in context.query:
            literals = _NulLiterals()
            visit(document, literals)
            errors += [nul_error("A string in the document", [node]) for node in literals.found]
        if errors:
            context.pre_execution_errors = [*(context.pre_execution_errors or []), *errors]
        yield
