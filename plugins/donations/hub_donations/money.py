"""Amounts in the API: whole minor units, with their currency and a formatted text."""

from __future__ import annotations

from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from hub_donations.currency import format_amount, major_units

#: Above this, a JSON number stops being exact in JavaScript.
MAX_SAFE_INTEGER = 2**53 - 1

#: An amount in minor units: an ``int`` to Python, the scalar ``MINOR_UNITS`` to GraphQL.
MinorUnits = NewType("MinorUnits", int)


def _parse_minor_units(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"MinorUnits must be a whole number, got {value!r}")
    if abs(value) > MAX_SAFE_INTEGER:
        raise ValueError(f"MinorUnits must be at most {MAX_SAFE_INTEGER} in size, got {value}")
    return value


MINOR_UNITS: ScalarDefinition = strawberry.scalar(
    name="MinorUnits",
    description=(
        "An amount in the currency's minor units (cents for EUR, yen for JPY, fils for KWD): "
        "a whole number, exact up to 2^53 - 1, so larger than GraphQL's 32-bit Int."
    ),
    serialize=int,
    parse_value=_parse_minor_units,
)


@strawberry.type(description="An amount of money in one currency.")
class Money:
    amount: MinorUnits = strawberry.field(description="In minor units of `currency`.")
    currency: str = strawberry.field(description="ISO 4217 code, such as EUR.")
    formatted: str = strawberry.field(description='For people: "€10.50", "¥1,050".')
    decimal: str = strawberry.field(description='Exact, in major units: "10.50", "1050".')

    @classmethod
    def of(cls, amount: int, currency: str, locale: str) -> Money:
        return cls(
            amount=MinorUnits(amount),
            currency=currency,
            formatted=format_amount(amount, currency, locale),
            decimal=str(major_units(amount, currency)),
        )
