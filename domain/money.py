"""Money as integer minor units with an ISO currency: no floats anywhere."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, order=True)
class Money:
    amount: int  # minor units (cents)
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
        sign = "-" if self.amount < 0 else ""
        whole, cents = divmod(abs(self.amount), 100)
        return f"{sign}{whole}.{cents:02d} {self.currency}"

    def __str__(self) -> str:
        return self.format()


def _div_half_up(numerator: int, denominator: int) -> int:
    """Integer division rounding halves away from zero (commercial rounding)."""
    sign = -1 if (numerator < 0) != (denominator < 0) else 1
    n, d = abs(numerator), abs(denominator)
    return sign * ((2 * n + d) // (2 * d))


def parse_amount(text: str | int) -> int:
    """'12.50' or 1250 -> 1250 minor units, refusing floats' rounding surprises."""
    if isinstance(text, bool):
        raise ValueError("not an amount")
    if isinstance(text, int):
        return text
    raw = str(text).strip()
    negative = raw.startswith("-")
    raw = raw.lstrip("+-")
    whole, _, frac = raw.partition(".")
    if not whole.isdigit() or (frac and (not frac.isdigit() or len(frac) > 2)):
        raise ValueError(f"not an amount with at most 2 decimals: {text!r}")
    value = int(whole) * 100 + int(frac.ljust(2, "0") or 0)
    return -value if negative else value
