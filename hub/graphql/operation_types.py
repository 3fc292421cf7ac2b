"""Tell the CORS middleware which operations an HTTP request ran.

Anonymous queries over POST are public reads (any origin may read their answers), mutations
are not; only Strawberry knows which one a document holds, so this extension writes the type of
each operation it is about to execute into the request's state
(:data:`hub.cors.OPERATIONS_STATE_KEY`), for the middleware to read when the response starts.
"""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from hub.cors import OPERATIONS_STATE_KEY


class RecordOperationTypes(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        # Before executing, so that an operation is known even when it fails.
        execution_context = self.execution_context
        request = getattr(execution_context.context, "request", None)
        if request is not None:  # None on a WebSocket, where CORS does not apply
            try:
                kind = execution_context.operation_type.value
            except RuntimeError:  # no operation of the name asked: graphql-core will say so
                kind = "unknown"
            state = request.scope.setdefault("state", {})
            state.setdefault(OPERATIONS_STATE_KEY, []).append(kind)
        yield
