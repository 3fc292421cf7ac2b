"""A database too busy to answer in time is the client's to retry, not an internal error."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from hub.settings import Settings
from hub.sqlite import is_busy

CODE = "DATABASE_BUSY"


def is_busy_error(error: GraphQLError) -> bool:
    return error.original_error is not None and is_busy(error.original_error)


def busy_message(settings: Settings) -> str:
    return (
        "The database is busy with another write (such as an import) and did not free up "
        f"within {settings.sqlite_busy_timeout:g} s (HUB_SQLITE_BUSY_TIMEOUT): the request was "
        "not completed; try again in a moment."
    )


class ReportBusyDatabase(SchemaExtension):
    """Turns SQLite's "database is locked" into an error with ``extensions.code`` DATABASE_BUSY.

    It must come after error masking in the extension list: extensions leave an operation in
    reverse order, so this one sees the errors first and the masking leaves its errors alone.
    """

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.message = busy_message(settings)

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if errors and any(is_busy_error(error) for error in errors):
            result.errors = [self._retryable(error) for error in errors]  # type: ignore[union-attr]

    def _retryable(self, error: GraphQLError) -> GraphQLError:
        if not is_busy_error(error):
            return error
        return GraphQLError(
            self.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": CODE, "retryable": True},
        )
