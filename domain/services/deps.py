"""What every service needs: the unit of work, the seat holds, a clock and policy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from zoneinfo import ZoneInfo

from domain.holds import HoldStore
from domain.ports import Clock, UnitOfWorkFactory
from domain.pricing import PricingPolicy


@dataclass(frozen=True, slots=True)
class BookingPolicy:
    hold_minutes: float = 10  # fractions for tests of expiry
    payment_minutes: float = 15
    cancel_before_minutes: int = 120  # paid bookings can be cancelled until then
    max_seats: int = 10  # a booking's largest size
    days_ahead: int = 14  # how far ahead the programme is shown
    timezone: str = "UTC"
    currency: str = "EUR"
    pricing: PricingPolicy = field(default_factory=PricingPolicy)

    @property
    def hold_ms(self) -> int:
        return int(self.hold_minutes * 60_000)

    @property
    def payment_window(self) -> timedelta:
        return timedelta(minutes=self.payment_minutes)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class Deps:
    uow: UnitOfWorkFactory
    holds: HoldStore
    clock: Clock
    policy: BookingPolicy = field(default_factory=BookingPolicy)
