"""Amounts: integers of minor units inside, decimal strings only at PayPal's edge.

Conversions are done on the digits themselves; no float ever touches an amount.
"""

from __future__ import annotations

import re

# Currencies without minor units at Stripe (amounts are whole units).
_STRIPE_ZERO_DECIMAL = frozenset({
    "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX",
    "VND", "VUV", "XAF", "XOF", "XPF",
})
_THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
# PayPal refuses decimals for these although ISO 4217 gives HUF and TWD two digits.
_PAYPAL_ZERO_DECIMAL = frozenset({"HUF", "JPY", "TWD"})

_DECIMAL = re.compile(r"^(\d*)(?:\.(\d+))?$")


class AmountError(ValueError):
    """A decimal string that is not a valid amount of its currency."""

    def __init__(self, issue: str, message: str) -> None:
        super().__init__(message)
        self.issue = issue


def stripe_digits(currency: str) -> int:
    code = currency.upper()
    if code in _STRIPE_ZERO_DECIMAL:
        return 0
    return 3 if code in _THREE_DECIMAL else 2


def paypal_digits(currency: str) -> int:
    return 0 if currency.upper() in _PAYPAL_ZERO_DECIMAL else 2


def parse_decimal(value: str, digits: int) -> int:
    """"12.50" with 2 digits -> 1250; more fraction digits than allowed is an error."""
    match = _DECIMAL.match(value)
    if not match or not (match.group(1) or match.group(2)):
        raise AmountError("INVALID_PARAMETER_SYNTAX", f"{value!r} is not a decimal amount")
    whole, fraction = match.group(1) or "0", match.group(2) or ""
    if len(fraction) > digits:
        raise AmountError("DECIMAL_PRECISION",
                          f"{value!r} has more than {digits} decimal places")
    return int(whole) * 10 ** digits + int(fraction.ljust(digits, "0") or "0")


def format_decimal(minor: int, digits: int) -> str:
    """1250 with 2 digits -> "12.50"; 1000 with 0 digits -> "1000"."""
    sign = "-" if minor < 0 else ""
    minor = abs(minor)
    if digits == 0:
        return f"{sign}{minor}"
    unit = 10 ** digits
    return f"{sign}{minor // unit}.{minor % unit:0{digits}d}"


def display(minor: int, currency: str, digits: int) -> str:
    """For pages and messages: "12.50 EUR"."""
    return f"{format_decimal(minor, digits)} {currency.upper()}"
