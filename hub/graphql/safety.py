"""Safe defaults: limits on what one document may ask, and errors masked outside debug mode."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress
from typing import Any

from graphql import GraphQLError
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.extensions.query_depth_limiter import IgnoreContext
from strawberry.relay.types import GlobalIDValueError
from strawberry.schema.schema import validate_document

from hub.graphql.budget import QueryBudgetCheck
from hub.graphql.busy import ReportBusyDatabase, is_busy_error
from hub.graphql.introspection import validate_without_suggestions
from hub.graphql.request_checks import NoNulInText, OneOperationOrAName
from hub.settings import Settings

logger = logging.getLogger("hub.graphql")

MASKED_MESSAGE = "Internal server error: the problem was logged."

#: Exceptions whose message is meant for the client: everything else is masked.
USER_FACING: tuple[type[Exception], ...] = (GlobalIDValueError,)
#: A client's input Strawberry could not read (a malformed global ID, say): it raises these
#: without an ``extensions.code``.
BAD_INPUT: tuple[type[Exception], ...] = (GlobalIDValueError, StrawberryInputCoercionError)


def is_user_error(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None or isinstance(original, (GraphQLError, *USER_FACING)):
        return True
    # Before execution (no path), a ValueError or TypeError is a scalar refusing a client's
    # literal or variable (``MinorUnits`` above 2^53 - 1): graphql-core asks scalars to raise them.
    return error.path is None and isinstance(original, ValueError | TypeError)


def code_bad_input(errors: Sequence[GraphQLError]) -> None:
    """Give errors in a client's input the code our own ``UserError`` has: ``BAD_USER_INPUT``."""
    for error in errors:
        extensions = error.extensions or {}
        if isinstance(error.original_error, BAD_INPUT) and "code" not in extensions:
            error.extensions = {**extensions, "code": "BAD_USER_INPUT"}


def _is_introspection(context: IgnoreContext) -> bool:
    # GraphiQL's introspection query nests ``ofType`` deeply by design; it costs nothing.
    return context.field_name.startswith("__")


ExtensionFactory = Callable[[], SchemaExtension]

#: Documents kept parsed and validated (the same bound for both caches).
CACHED_DOCUMENTS = 512


class _Validated:
    """Validation results by document identity: the parser cache hands out one document per
    text, and Strawberry's ``ValidationCache`` hashes the whole syntax tree on every request."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[
            tuple[int, tuple[Any, ...], bool], tuple[Any, list[GraphQLError]]
        ] = OrderedDict()

    def errors(
        self, schema: Any, document: Any, rules: Any, hide_suggestions: bool = False
    ) -> list[GraphQLError]:
        key = (id(document), tuple(rules or ()), hide_suggestions)
        entry = self.entries.get(key)
        # The document is kept with its errors, so its id cannot be reused by another.
        if entry is not None and entry[0] is document:
            self.entries.move_to_end(key)
            return entry[1]
        if hide_suggestions:
            errors = validate_without_suggestions(schema, document, rules)
        else:
            errors = validate_document(schema, document, rules)
        self.entries[key] = (document, errors)
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return errors


_VALIDATED = _Validated(CACHED_DOCUMENTS)


class CachedValidation(SchemaExtension):
    def __init__(self, hide_suggestions: bool = False) -> None:
        # Without introspection, errors do not suggest names ("Did you mean ...?") either.
        self.hide_suggestions = hide_suggestions

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        context.pre_execution_errors = _VALIDATED.errors(
            context.schema._schema,
            context.graphql_document,
            context.validation_rules,
            self.hide_suggestions,
        )
        yield


class MaskServerErrors(MaskErrors):
    """Strawberry's ``MaskErrors`` without its per-request runtime ``Protocol`` check."""

    def _process_result(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        if errors:
            result.errors = self._process_errors(errors)  # type: ignore[attr-defined]


class ReportedParserCache(ParserCache):
    """Strawberry's parser cache, with a client's syntax error reported on every transport.

    ``ParserCache.on_parse`` parses outside the ``try`` that turns a syntax error into a
    GraphQL error on the subscription path (Strawberry 0.341): over graphql-transport-ws the
    client got a bare ``complete`` and the server logged a traceback. On a syntax error the
    document is left unset, so Strawberry parses it again inside its own error handling.
    ``tests/test_subscriptions.py`` fails the day ``cached_parse_document`` changes.
    """

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        with suppress(GraphQLError):
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        yield


def safety_extensions(settings: Settings) -> Sequence[ExtensionFactory]:
    # Limit rules are built once: the validation cache keys on the rule classes, and fresh
    # classes per request would never hit the cache.
    limit_rules = [
        *QueryDepthLimiter(
            max_depth=settings.max_query_depth, should_ignore=_is_introspection
        ).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    extensions: list[ExtensionFactory] = [
        lambda: ReportedParserCache(maxsize=CACHED_DOCUMENTS),
        lambda: CachedValidation(hide_suggestions=not settings.introspection),
        OneOperationOrAName,
        NoNulInText,
        lambda: AddValidationRules(limit_rules),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        QueryBudgetCheck.factory(settings),
    ]
    if not settings.debug:
        extensions.append(
            lambda: MaskServerErrors(
                should_mask_error=lambda error: not is_user_error(error),
                error_message=MASKED_MESSAGE,
            )
        )
    extensions.append(lambda: ReportBusyDatabase(settings))  # after masking: see its docstring
    return extensions


def log_errors(errors: Sequence[GraphQLError], execution_context: Any = None) -> None:
    """Log server faults with their traceback; a client's mistakes are not the server's faults."""
    for error in errors:
        if is_busy_error(error):
            # Another process held the write lock too long: worth a line, not a traceback.
            logger.warning("database busy in %s: %s", ".".join(map(str, error.path or [])), error)
        elif not is_user_error(error):
            logger.error(
                "error in %s: %s",
                ".".join(map(str, error.path or [])) or "request",
                error,
                exc_info=error.original_error,
            )
