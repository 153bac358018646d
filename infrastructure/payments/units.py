"""Amounts in a provider's units. Our minor units follow CLDR's exponent for the
currency (domain.money.exponent); Stripe and PayPal each have their own list, and
where it differs (Stripe counts HUF in hundredths, CLDR in whole forints) the amount
is scaled, never rounded: an amount that cannot be said exactly is refused."""

from __future__ import annotations

import re

from domain.errors import ProviderRefused
from domain.money import Money, exponent
from domain.payments import Refusal

# Stripe's docs, "Zero-decimal currencies" and "Three-decimal currencies".
STRIPE_ZERO_DECIMAL = frozenset({
    "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX",
    "VND", "VUV", "XAF", "XOF", "XPF",
})
STRIPE_THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
# Stripe's minimum charge amounts (docs, "Minimum and maximum charge amounts"), in
# Stripe's units; other currencies need more than zero.
STRIPE_MINIMUM = {
    "USD": 50, "EUR": 50, "AUD": 50, "BRL": 50, "CAD": 50, "CHF": 50, "INR": 50, "NZD": 50, "SGD": 50,
    "GBP": 30, "JPY": 50, "HKD": 400, "HUF": 17500, "CZK": 1500, "MXN": 1000, "THB": 1000, "DKK": 250,
    "NOK": 300, "SEK": 300, "AED": 200, "MYR": 200, "PLN": 200, "RON": 200, "BGN": 100,
}
STRIPE_MAXIMUM = 99_999_999  # eight digits in Stripe's units
# PayPal's REST currency codes and their decimals (developer docs, "Currency codes").
PAYPAL_DIGITS = {
    "AUD": 2, "BRL": 2, "CAD": 2, "CNY": 2, "CZK": 2, "DKK": 2, "EUR": 2, "HKD": 2, "HUF": 0, "ILS": 2,
    "JPY": 0, "MYR": 2, "MXN": 2, "TWD": 0, "NZD": 2, "NOK": 2, "PHP": 2, "PLN": 2, "GBP": 2, "RUB": 2,
    "SGD": 2, "SEK": 2, "CHF": 2, "THB": 2, "USD": 2,
}
_DECIMAL = re.compile(r"^(\d{1,15})(?:\.(\d{1,6}))?$")


def stripe_digits(currency: str) -> int:
    if currency in STRIPE_ZERO_DECIMAL:
        return 0
    return 3 if currency in STRIPE_THREE_DECIMAL else 2


def _scale(amount: int, ours: int, theirs: int, currency: str, who: str) -> int:
    if theirs >= ours:
        return amount * 10 ** (theirs - ours)
    factor = 10 ** (ours - theirs)
    if amount % factor:
        raise ProviderRefused(
            Refusal.INVALID, f"{who} takes {currency} with {theirs} decimals, not {Money(amount, currency)}"
        )
    return amount // factor


def to_stripe(money: Money) -> int:
    """Our minor units -> Stripe's smallest unit, with Stripe's own amount rules."""
    currency = money.currency
    units = _scale(money.amount, exponent(currency), stripe_digits(currency), currency, "Stripe")
    if currency in STRIPE_THREE_DECIMAL and units % 10:
        # Stripe: three-decimal amounts must end in 0 (it cannot settle thousandths).
        raise ProviderRefused(Refusal.INVALID, f"Stripe takes {currency} in steps of 0.010, not {money}")
    return units


def from_stripe(units: int, currency: str) -> Money:
    currency = currency.upper()
    return Money(_scale(units, stripe_digits(currency), exponent(currency), currency, "Stripe"), currency)


def stripe_minimum(currency: str) -> Money | None:
    units = STRIPE_MINIMUM.get(currency)
    return from_stripe(units, currency) if units is not None else None


def to_paypal_value(money: Money) -> str:
    """Our minor units -> PayPal's exact decimal string ("12.50", "1500"); no floats."""
    currency = money.currency
    if currency not in PAYPAL_DIGITS:
        raise ProviderRefused(Refusal.CURRENCY_UNSUPPORTED, f"PayPal does not take {currency}", currency=currency)
    if money.amount < 0:
        raise ValueError(f"PayPal takes no negative amounts: {money}")
    digits = PAYPAL_DIGITS[currency]
    units = _scale(money.amount, exponent(currency), digits, currency, "PayPal")
    if digits == 0:
        return str(units)
    whole, frac = divmod(units, 10**digits)
    return f"{whole}.{frac:0{digits}d}"


def from_paypal_value(value: str, currency: str) -> Money:
    """PayPal's decimal string -> Money in our minor units, refusing anything inexact."""
    match = _DECIMAL.match(value.strip())
    digits = PAYPAL_DIGITS.get(currency, 2)
    if not match or len(match.group(2) or "") > digits:
        raise ValueError(f"not a {currency} amount: {value!r}")
    units = int(match.group(1)) * 10**digits + int((match.group(2) or "").ljust(digits, "0") or "0")
    try:
        return Money(_scale(units, digits, exponent(currency), currency, "PayPal"), currency)
    except ProviderRefused as exc:
        raise ValueError(str(exc)) from None
