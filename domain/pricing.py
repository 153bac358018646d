"""Quotes: what a selection of seats costs, with ticket types and discounts.

A promo code and the automatic group discount do not stack: the customer gets the
larger of the two, and the quote says which one applied. Prices include VAT.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.catalog import TicketType
from domain.hall import Seat, SeatKind
from domain.money import Money
from domain.promo import PromoCode, PromoKind, PromoRefusal


@dataclass(frozen=True, slots=True)
class GroupDiscount:
    min_tickets: int = 6
    basis_points: int = 1000  # 10%

    @property
    def enabled(self) -> bool:
        return self.min_tickets > 0 and self.basis_points > 0


@dataclass(frozen=True, slots=True)
class PricingPolicy:
    vat_basis_points: int = 700  # 7%, the reduced rate cinemas often have
    group: GroupDiscount = GroupDiscount()


class DiscountSource(StrEnum):
    PROMO = "promo"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class QuoteLine:
    seat_code: str
    seat_kind: SeatKind
    ticket_type: str
    base_price: Money  # the seat's price for an adult
    price: Money  # after the ticket type
    discount: Money

    @property
    def total(self) -> Money:
        return self.price - self.discount


@dataclass(frozen=True, slots=True)
class Quote:
    lines: tuple[QuoteLine, ...]
    currency: str
    vat_basis_points: int
    discount_source: DiscountSource | None = None
    # A valid code the customer typed; it applies only when discount_source is PROMO
    # (the group discount may be larger).
    promo_code: str | None = None
    promo_refusal: PromoRefusal | None = None  # why a code the customer typed was refused

    @property
    def subtotal(self) -> Money:
        return _sum((line.price for line in self.lines), self.currency)

    @property
    def discount(self) -> Money:
        return _sum((line.discount for line in self.lines), self.currency)

    @property
    def total(self) -> Money:
        return self.subtotal - self.discount

    @property
    def vat(self) -> Money:
        return self.total.included_vat(self.vat_basis_points)


def _sum(items, currency: str) -> Money:
    total = Money.zero(currency)
    for item in items:
        total = total + item
    return total


@dataclass(frozen=True, slots=True)
class PricedSeat:
    seat: Seat
    base_price: Money
    ticket_type: TicketType


def build_quote(
    seats: list[PricedSeat],
    policy: PricingPolicy,
    currency: str,
    promo: PromoCode | None = None,
    promo_refusal: PromoRefusal | None = None,
) -> Quote:
    """Price ``seats``; ``promo`` is a code already checked for eligibility."""
    prices = [s.ticket_type.price(s.base_price) for s in seats]
    promo_cut = _promo_discounts(seats, prices, promo) if promo else None
    group_cut = _group_discounts(prices, policy.group) if policy.group.enabled else None
    source, cuts = None, [0] * len(seats)
    # The larger discount wins; a tie goes to the promo code the customer typed.
    if promo_cut is not None and sum(promo_cut) > 0 and sum(promo_cut) >= sum(group_cut or [0]):
        source, cuts = DiscountSource.PROMO, promo_cut
    elif group_cut is not None and sum(group_cut) > 0:
        source, cuts = DiscountSource.GROUP, group_cut
    lines = tuple(
        QuoteLine(
            seat_code=s.seat.code,
            seat_kind=s.seat.kind,
            ticket_type=s.ticket_type.code,
            base_price=s.base_price,
            price=price,
            discount=Money(cut, currency),
        )
        for s, price, cut in zip(seats, prices, cuts)
    )
    return Quote(
        lines=lines,
        currency=currency,
        vat_basis_points=policy.vat_basis_points,
        discount_source=source,
        promo_code=promo.code if promo else None,
        promo_refusal=promo_refusal,
    )


def _promo_discounts(seats: list[PricedSeat], prices: list[Money], promo: PromoCode) -> list[int]:
    eligible = [promo.applies_to_kind(s.seat.kind) for s in seats]
    if promo.kind is PromoKind.PERCENT:
        return [p.percent(promo.value).amount if ok else 0 for p, ok in zip(prices, eligible)]
    weights = [p.amount if ok else 0 for p, ok in zip(prices, eligible)]
    return spread(min(promo.value, sum(weights)), weights)


def _group_discounts(prices: list[Money], group: GroupDiscount) -> list[int] | None:
    if len(prices) < group.min_tickets:
        return None
    return [p.percent(group.basis_points).amount for p in prices]


def spread(amount: int, weights: list[int]) -> list[int]:
    """Split ``amount`` over lines in proportion to ``weights`` (largest remainder),
    so that the parts add up exactly and no line goes below zero."""
    total = sum(weights)
    if total <= 0 or amount <= 0:
        return [0] * len(weights)
    parts = [amount * w // total for w in weights]
    remainders = sorted(
        range(len(weights)), key=lambda i: (-(amount * weights[i] % total), i)
    )
    for i in remainders[: amount - sum(parts)]:
        parts[i] += 1
    return parts
