"""Money as integer minor units with an ISO currency: no floats anywhere.

A currency's minor unit is not always a hundredth: JPY has none, KWD and BHD have
thousandths. Each currency's exponent comes from CLDR through Babel, a maintained
source, and every parse, display and provider amount goes through ``exponent``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from babel.numbers import get_currency_precision, list_currencies


# No price comes near this many digits; a longer text is not an amount.
MAX_DIGITS = 18


@lru_cache(maxsize=None)
def exponent(currency: str) -> int:
    """Digits after the decimal point in ``currency``'s amounts (EUR 2, JPY 0, KWD 3)."""
    return get_currency_precision(currency)


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(list_currencies())


def is_currency(code: str) -> bool:
    """An ISO 4217 code CLDR knows (case matters: codes are upper case)."""
    return isinstance(code, str) and len(code) == 3 and code.isupper() and code in _known()


def decimal_text(amount: int, currency: str) -> str:
    """Minor units as a plain decimal of the currency: 1250 EUR -> "12.50", 1500 JPY ->
    "1500", 1500 KWD -> "1.500"."""
    digits = exponent(currency)
    sign = "-" if amount < 0 else ""
    if digits == 0:
        return f"{sign}{abs(amount)}"
    whole, frac = divmod(abs(amount), 10**digits)
    return f"{sign}{whole}.{frac:0{digits}d}"


@dataclass(frozen=True, slots=True, order=True)
class Money:
    amount: int  # minor units of the currency (see ``exponent``)
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, int) or isinstance(self.amount, bool):
            raise TypeError("Money.amount must be an int of minor units")
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(f"not an ISO currency code: {self.currency!r}")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise ValueError(f"currency mismatch: {self.currency} vs {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, times: int) -> Money:
        return Money(self.amount * times, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def percent(self, basis_points: int) -> Money:
        """``basis_points`` / 100 percent of this amount, rounded half up (1000 = 10%)."""
        return Money(_div_half_up(self.amount * basis_points, 10_000), self.currency)

    def clamp_min(self, floor: Money) -> Money:
        self._same(floor)
        return self if self.amount >= floor.amount else floor

    def included_vat(self, rate_basis_points: int) -> Money:
        """The VAT contained in a gross amount at the given rate (2000 = 20%)."""
        net = _div_half_up(self.amount * 10_000, 10_000 + rate_basis_points)
        return Money(self.amount - net, self.currency)

    def format(self) -> str:
        return f"{decimal_text(self.amount, self.currency)} {self.currency}"

    def __str__(self) -> str:
        return self.format()


def _div_half_up(numerator: int, denominator: int) -> int:
    """Integer division rounding halves away from zero (commercial rounding)."""
    sign = -1 if (numerator < 0) != (denominator < 0) else 1
    n, d = abs(numerator), abs(denominator)
    return sign * ((2 * n + d) // (2 * d))


def parse_decimal(text: str, digits: int) -> int:
    """A plain decimal with at most ``digits`` decimals, scaled to an integer
    ("12.5", 2 -> 1250); ASCII digits only, no exponent, no float."""
    raw = text.strip()
    negative = raw[:1] == "-"
    if raw[:1] in ("+", "-"):
        raw = raw[1:]
    whole, _, frac = raw.partition(".")
    if len(raw) > MAX_DIGITS or not (whole.isascii() and whole.isdigit()) or (
        frac and (not (frac.isascii() and frac.isdigit()) or len(frac) > digits)
    ):
        places = f"at most {digits} decimals" if digits else "no decimals"
        raise ValueError(f"not a decimal with {places}: {text!r}")
    value = int(whole) * 10**digits + int(frac.ljust(digits, "0") or 0)
    return -value if negative else value


def parse_amount(text: str | int, currency: str) -> int:
    """'12.50' EUR or 12 EUR -> 1250; '1500' JPY -> 1500; '1.5' KWD -> 1500. Refuses
    more decimals than the currency has, and anything that is not a plain decimal
    (floats' rounding surprises, '1e3', '²')."""
    if isinstance(text, bool):
        raise ValueError("not an amount")
    digits = exponent(currency)
    if isinstance(text, int):
        return text * 10**digits  # whole units
    try:
        return parse_decimal(str(text), digits)
    except ValueError:
        places = f"at most {digits} decimals" if digits else "no decimals"
        raise ValueError(f"not an amount of {currency} ({places}): {text!r}") from None
