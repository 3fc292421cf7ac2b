"""Registering operations for the allow-list: check the document, store it under its hash."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    parse,
    validate,
)
from tortoise.transactions import in_transaction

from hub import CommandError
from hub_delivery.models import RegisteredQuery
from hub_delivery.persisted import sha256_of


class InvalidOperation(CommandError, ValueError):
    """A document that cannot be registered; the message says why."""


@dataclass(frozen=True)
class Registration:
    sha256: str
    operation_names: tuple[str, ...]
    created: bool


def operation_names(document: str, source: str) -> tuple[str, ...]:
    """The document's operation names, or :class:`InvalidOperation` naming what is wrong."""
    try:
        parsed = parse(document)
    except GraphQLSyntaxError as error:
        raise InvalidOperation(f"{source} is not a GraphQL document: {error.message}") from None
    operations = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    if not operations:
        raise InvalidOperation(f"{source} has no operation (query, mutation or subscription).")
    unnamed = [o for o in operations if o.name is None]
    if unnamed and len(operations) > 1:
        raise InvalidOperation(f"{source} has several operations: each must have a name.")
    return tuple(o.name.value if o.name else "" for o in operations)


def check_against_schema(schema: GraphQLSchema, document: str, source: str) -> None:
    """:class:`InvalidOperation` naming the operation and the error when ``document`` does not
    validate: a registered operation that cannot run would fail for every client that sends it."""
    parsed = parse(document)
    errors = validate(schema, parsed)
    if errors:
        problems = "; ".join(f"{_operation_of(error, parsed)}: {error.message}" for error in errors)
        raise InvalidOperation(f"{source} does not validate against the schema: {problems}")


def _operation_of(error: GraphQLError, document: DocumentNode) -> str:
    start = error.nodes[0].loc.start if error.nodes and error.nodes[0].loc else None
    for definition in document.definitions:
        loc = definition.loc
        if start is not None and loc is not None and loc.start <= start < loc.end:
            if isinstance(definition, OperationDefinitionNode):
                name = definition.name.value if definition.name else "(anonymous)"
                return f"operation {name}"
            name = getattr(getattr(definition, "name", None), "value", "")
            return f"fragment {name}"
    return "the document"


async def register(document: str, source: str) -> Registration:
    """Store ``document`` exactly as given: clients must send the same text (or its hash)."""
    names = operation_names(document, source)
    sha256 = sha256_of(document)
    async with in_transaction():
        _, created = await RegisteredQuery.get_or_create(
            sha256=sha256, defaults={"document": document, "operation_names": ",".join(names)}
        )
    return Registration(sha256, names, created)
