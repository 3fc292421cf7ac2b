"""Currencies: ISO 4217 codes, their minor units, and amounts written for people.

Amounts are whole numbers of minor units everywhere (cents for EUR, yen for JPY, fils for KWD).
The exponent comes from ISO 4217's own table as the ``iso4217`` package ships it, not from
CLDR (Babel's ``get_currency_precision``): CLDR gives the digits shops *display*, which differ
from the ISO minor unit for some currencies (IQD, RSD, LBP...), and a stored amount must follow
the standard the payment networks use. Babel only supplies symbols and number patterns.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from functools import lru_cache

import iso4217
from babel import Locale
from babel.numbers import parse_pattern


class UnknownCurrency(ValueError):
    """The code is not an ISO 4217 currency with minor units (XAU and XXX have none)."""


def exponent(code: str) -> int:
    """The number of decimal places of ``code``'s minor unit: 2 for EUR, 0 for JPY, 3 for KWD."""
    try:
        currency = iso4217.Currency(code)
    except ValueError:
        raise UnknownCurrency(
            f"{code!r} is not an ISO 4217 currency code (three capital letters, such as EUR)"
        ) from None
    digits = currency.exponent
    if digits is None:
        raise UnknownCurrency(f"{code} has no minor unit (ISO 4217): it cannot be donated")
    return digits


def major_units(amount: int, code: str) -> Decimal:
    """``amount`` minor units as an exact decimal: 1050 EUR -> 10.50, 1050 JPY -> 1050."""
    return Decimal(amount).scaleb(-exponent(code))


@lru_cache(maxsize=64)
def _pattern(locale: str, digits: int) -> object:
    pattern = copy.copy(parse_pattern(Locale.parse(locale).currency_formats["standard"].pattern))
    pattern.frac_prec = (digits, digits)
    return pattern


def format_amount(amount: int, code: str, locale: str = "en") -> str:
    """``amount`` minor units as people read it: "€10.50", "¥1,050", "KWD 1.250" (in ``locale``).

    Decimals follow the ISO exponent, so what is shown is exactly what is stored.
    """
    digits = exponent(code)
    pattern = _pattern(locale, digits)
    formatted: str = pattern.apply(  # type: ignore[attr-defined]
        major_units(amount, code), Locale.parse(locale), currency=code, currency_digits=False
    )
    return formatted
