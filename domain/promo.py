"""Promo codes: who may use one, when, and on what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.hall import SeatKind


class PromoKind(StrEnum):
    PERCENT = "percent"  # value in basis points (1500 = 15%)
    FIXED = "fixed"  # value in minor units off the eligible tickets


class PromoRefusal(StrEnum):
    """Why a code was refused; each has a message in the translation layer."""

    UNKNOWN = "unknown"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"
    ALREADY_USED = "already_used"
    TOO_FEW_TICKETS = "too_few_tickets"
    NOT_FOR_THIS_MOVIE = "not_for_this_movie"
    NOT_FOR_THIS_SHOWTIME = "not_for_this_showtime"
    NOT_FOR_THESE_SEATS = "not_for_these_seats"
    INACTIVE = "inactive"


def normalize_code(code: str) -> str:
    """Codes are case-insensitive and forgive stray spaces."""
    return "".join(code.split()).upper()


@dataclass(slots=True)
class PromoCode:
    id: int | None
    code: str
    kind: PromoKind
    value: int
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    max_uses: int | None = None  # in total; None = unlimited
    max_uses_per_customer: int | None = None
    min_tickets: int = 1
    movie_ids: frozenset[int] = frozenset()  # empty = any movie
    showtime_ids: frozenset[int] = frozenset()
    seat_kinds: frozenset[SeatKind] = frozenset()
    uses: int = 0
    active: bool = True

    def __post_init__(self) -> None:
        self.code = normalize_code(self.code)
        if not self.code:
            raise ValueError("a promo code cannot be empty")
        if self.value <= 0:
            raise ValueError("a promo value must be positive")
        if self.kind is PromoKind.PERCENT and self.value > 10_000:
            raise ValueError("a percent promo cannot exceed 100%")

    def refusal(
        self,
        *,
        now: datetime,
        movie_id: int,
        showtime_id: int,
        seat_kinds: list[SeatKind],
        customer_uses: int,
    ) -> PromoRefusal | None:
        """The reason this code cannot apply, or None when it can."""
        if not self.active:
            return PromoRefusal.INACTIVE
        if self.valid_from and now < self.valid_from:
            return PromoRefusal.NOT_YET_VALID
        if self.valid_until and now >= self.valid_until:
            return PromoRefusal.EXPIRED
        if self.max_uses is not None and self.uses >= self.max_uses:
            return PromoRefusal.EXHAUSTED
        if self.max_uses_per_customer is not None and customer_uses >= self.max_uses_per_customer:
            return PromoRefusal.ALREADY_USED
        if len(seat_kinds) < self.min_tickets:
            return PromoRefusal.TOO_FEW_TICKETS
        if self.movie_ids and movie_id not in self.movie_ids:
            return PromoRefusal.NOT_FOR_THIS_MOVIE
        if self.showtime_ids and showtime_id not in self.showtime_ids:
            return PromoRefusal.NOT_FOR_THIS_SHOWTIME
        if self.seat_kinds and not any(k in self.seat_kinds for k in seat_kinds):
            return PromoRefusal.NOT_FOR_THESE_SEATS
        return None

    def applies_to_kind(self, kind: SeatKind) -> bool:
        return not self.seat_kinds or kind in self.seat_kinds
