"""Amounts: integers of minor units inside, decimal strings only at PayPal's edge.

Conversions are done on the digits themselves; no float ever touches an amount.
"""

from __future__ import annotations

import re

# Currencies without minor units at Stripe (amounts are whole units), as listed in
# Stripe's "Supported currencies" guide.
_STRIPE_ZERO_DECIMAL = frozenset({
    "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX",
    "VND", "VUV", "XAF", "XOF", "XPF",
})
# Three minor digits; Stripe charges them in tens of the minor unit (the last digit is 0).
_THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
# Stripe's minimum charge per currency, in minor units (its "Minimum and maximum
# charge amounts" table). Other currencies' minimum is "$0.50 US or equivalent",
# which needs an exchange rate: the sandbox only asks them for more than zero.
STRIPE_MINIMUM_CHARGE = {
    "USD": 50, "AED": 200, "AUD": 50, "BGN": 100, "BRL": 50, "CAD": 50, "CHF": 50,
    "CZK": 1500, "DKK": 250, "EUR": 50, "GBP": 30, "HKD": 400, "HUF": 17500, "INR": 50,
    "JPY": 50, "MXN": 1000, "MYR": 200, "NOK": 300, "NZD": 50, "PLN": 200, "RON": 200,
    "SEK": 300, "SGD": 50, "THB": 1000,
}
# Stripe's ceiling for an amount: eight digits of minor units.
STRIPE_MAXIMUM_CHARGE = 99_999_999
# How Stripe's English error messages write amounts ("€0.50", "$4.00", "175.00 Ft").
_SYMBOL_BEFORE = {"USD": "$", "AUD": "$", "CAD": "$", "HKD": "$", "MXN": "$", "NZD": "$",
                  "SGD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}
_SYMBOL_AFTER = {"HUF": " Ft"}
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


def stripe_three_decimal(currency: str) -> bool:
    return currency.upper() in _THREE_DECIMAL


def stripe_minimum(currency: str) -> int:
    """The smallest total Stripe charges in this currency (1 where its table is silent)."""
    return STRIPE_MINIMUM_CHARGE.get(currency.upper(), 1)


def stripe_text(minor: int, currency: str) -> str:
    """An amount as Stripe's messages write it: "€0.50", "¥50", "$999,999.99", "1.500 KWD"."""
    code = currency.upper()
    digits = stripe_digits(code)
    sign = "-" if minor < 0 else ""
    unit = 10 ** digits
    whole, fraction = divmod(abs(minor), unit)
    number = f"{whole:,}" + (f".{fraction:0{digits}d}" if digits else "")
    if code in _SYMBOL_BEFORE:
        return f"{sign}{_SYMBOL_BEFORE[code]}{number}"
    if code in _SYMBOL_AFTER:
        return f"{sign}{number}{_SYMBOL_AFTER[code]}"
    return f"{sign}{number} {code}"
