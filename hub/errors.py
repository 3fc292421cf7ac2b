"""Errors a user can cause. Their messages are shown as they are; every other error is masked."""

from __future__ import annotations

from graphql import GraphQLError


class UserError(GraphQLError):
    """A mistake in the request (bad argument, bad cursor, limit exceeded): shown to the client."""

    def __init__(self, message: str, *, code: str = "BAD_USER_INPUT", argument: str | None = None):
        extensions: dict[str, object] = {"code": code}
        if argument is not None:
            extensions["argument"] = argument
        super().__init__(message, extensions=extensions)


class PluginError(RuntimeError):
    """A plugin cannot be loaded or composed; the message names the plugin(s) and the cause."""


class CommandError(Exception):
    """A problem the person running a ``hub`` command can fix (a missing file, a database
    that cannot be opened): ``hub`` prints the message as one line and exits with code 1."""
