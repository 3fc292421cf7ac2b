"""Registering operations for the allow-list: check the document, store it under its hash."""

from __future__ import annotations

from dataclasses import dataclass

from graphql import GraphQLSyntaxError, OperationDefinitionNode, parse
from tortoise.transactions import in_transaction

from hub_delivery.models import RegisteredQuery
from hub_delivery.persisted import sha256_of


class InvalidOperation(ValueError):
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


async def register(document: str, source: str) -> Registration:
    """Store ``document`` exactly as given: clients must send the same text (or its hash)."""
    names = operation_names(document, source)
    sha256 = sha256_of(document)
    async with in_transaction():
        _, created = await RegisteredQuery.get_or_create(
            sha256=sha256, defaults={"document": document, "operation_names": ",".join(names)}
        )
    return Registration(sha256, names, created)
