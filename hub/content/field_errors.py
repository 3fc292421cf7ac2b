"""A mutation's refusals: the ``errors`` of its payload, each naming the input field."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import Enum

import strawberry

from hub.content.checking import Invalid
from hub.content.content_type import ContentType


@strawberry.enum(description="Why an input field was refused.")
class ErrorCode(Enum):
    REQUIRED = "required"
    INVALID = "invalid"
    TOO_LONG = "too_long"
    TAKEN = "taken"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"


@strawberry.type(description="A problem with the input, to show next to the form field it names.")
class FieldError:
    field: str | None = strawberry.field(
        description="The input field, as named in the input type; null for the input as a whole."
    )
    message: str
    code: ErrorCode


class Refused(Exception):
    """The input cannot be applied; raised inside the transaction so nothing is kept."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("; ".join(error.message for error in errors))
        self.errors = list(errors)


class Problems:
    """The input's problems, collected so the client sees all of them at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str | None, message: str, code: ErrorCode = ErrorCode.INVALID) -> None:
        self.errors.append(FieldError(field=field, message=message, code=code))

    def add_invalid(self, content_type: ContentType, found: Iterable[Invalid]) -> None:
        """Problems of the shared validation, named as the input names the fields."""
        for invalid in found:
            label = content_type.fields[invalid.field].label
            self.add(label, f"{label}: {invalid.message}.", ErrorCode(invalid.code))

    def raise_if_any(self) -> None:
        if self.errors:
            raise Refused(self.errors)
