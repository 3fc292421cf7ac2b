"""Safe defaults: limits on what one document may ask, and errors masked outside debug mode."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.query_depth_limiter import IgnoreContext
from strawberry.relay.types import GlobalIDValueError

from hub.settings import Settings

logger = logging.getLogger("hub.graphql")

MASKED_MESSAGE = "Internal server error: the problem was logged."

#: Exceptions whose message is meant for the client: everything else is masked.
USER_FACING: tuple[type[Exception], ...] = (GlobalIDValueError,)


def is_user_error(error: GraphQLError) -> bool:
    original = error.original_error
    return original is None or isinstance(original, (GraphQLError, *USER_FACING))


def _is_introspection(context: IgnoreContext) -> bool:
    # GraphiQL's introspection query nests ``ofType`` deeply by design; it costs nothing.
    return context.field_name.startswith("__")


ExtensionFactory = Callable[[], SchemaExtension]


def safety_extensions(settings: Settings) -> Sequence[ExtensionFactory]:
    # Limit rules are built once: ValidationCache keys on the rule classes, and fresh classes
    # per request would never hit the cache.
    limit_rules = [
        *QueryDepthLimiter(
            max_depth=settings.max_query_depth, should_ignore=_is_introspection
        ).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.max_aliases).validation_rules,
    ]
    extensions: list[ExtensionFactory] = [
        lambda: ParserCache(maxsize=512),
        lambda: ValidationCache(maxsize=512),
        lambda: AddValidationRules(limit_rules),
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
    ]
    if not settings.debug:
        extensions.append(
            lambda: MaskErrors(
                should_mask_error=lambda error: not is_user_error(error),
                error_message=MASKED_MESSAGE,
            )
        )
    return extensions


def log_errors(errors: Sequence[GraphQLError], execution_context: Any = None) -> None:
    """Log server faults with their traceback; a client's mistakes are not the server's faults."""
    for error in errors:
        if not is_user_error(error):
            logger.error(
                "error in %s: %s",
                ".".join(map(str, error.path or [])) or "request",
                error,
                exc_info=error.original_error,
            )
