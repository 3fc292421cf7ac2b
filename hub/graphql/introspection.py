"""``HUB_INTROSPECTION=0``: the schema stays private to those who were given it.

Two leaks are closed: introspection (``__schema`` and ``__type``; ``__typename`` stays, clients
need it), refused at validation by Strawberry's ``DisableIntrospection``; and the names
graphql-core suggests in its errors ("Cannot query field 'postz' on type 'Query'. Did you mean
'posts'?"), which would let a client rebuild the schema by guessing. graphql-core 3.3 leaves
them out when asked (``hide_suggestions``), both when it validates a document and when it
coerces variables at execution.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, validate
from graphql.execution import Executor
from strawberry.extensions import DisableIntrospection, SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from hub.settings import Settings

E = TypeVar("E", bound=Executor[Any])

#: The rules ``strawberry.schema.schema.validate_document`` adds to every validation
#: (``tests/test_introspection.py`` fails if a Strawberry upgrade changes them).
STRAWBERRY_RULES: tuple[type[ASTValidationRule], ...] = (
    MaybeNullValidationRule,
    OneOfInputValidationRule,
)


def validate_without_suggestions(
    schema: GraphQLSchema, document: DocumentNode, rules: Collection[type[ASTValidationRule]]
) -> list[GraphQLError]:
    """Strawberry's validation, with graphql-core's "Did you mean ...?" left out."""
    return validate(schema, document, (*rules, *STRAWBERRY_RULES), hide_suggestions=True)


def introspection_extensions(settings: Settings) -> Sequence[Callable[[], SchemaExtension]]:
    return [] if settings.introspection else [DisableIntrospection]


def without_suggestions(executor_class: type[E]) -> type[E]:
    """``executor_class``, coercing variables without suggesting names in its errors."""

    class Quiet(executor_class):  # type: ignore[valid-type,misc]
        @classmethod
        def build(cls, *args: Any, **kwargs: Any) -> Any:
            kwargs["hide_suggestions"] = True
            return super().build(*args, **kwargs)

    Quiet.__name__ = Quiet.__qualname__ = f"{executor_class.__name__}WithoutSuggestions"
    return Quiet
