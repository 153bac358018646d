"""Fakes of the payment side: the payments and provider-event repositories, the
installation key (and the cinema row beside it), and a payment provider in memory (links, payments, approvals,
refunds that may stay pending or fail, refunds made in a dashboard, disputes)."""

from __future__ import annotations

import copy

from domain.errors import PaymentProviderDown, ProviderRefused
from domain.money import Money
from domain.payments import (
    CheckoutRequest,
    Payment,
    PaymentProvider,
    PaymentStatus,
    ProviderCheckout,
    ProviderPayment,
    ProviderRefund,
    ProviderStatus,
    Refusal,
    RefundStatus,
)


class _Repo:
    def __init__(self, uow) -> None:  # type: ignore[no-untyped-def]
        self.uow = uow

    @property
    def s(self):  # type: ignore[no-untyped-def]
        return self.uow.staged


class FakePayments(_Repo):
    async def add(self, payment: Payment) -> Payment:
        if any(p.provider_ref == payment.provider_ref for p in self.s.payments.values()):
            raise ValueError("duplicate provider reference")
        payment.id = self.s.new_id()
        self.s.payments[payment.id] = copy.deepcopy(payment)
        return payment

    def _first(self, provider: PaymentProvider, **match: str):  # type: ignore[no-untyped-def]
        found = next(
            (p for p in sorted(self.s.payments.values(), key=lambda p: p.id)
             if p.provider is provider and all(getattr(p, k) == v for k, v in match.items())),
            None,
        )
        return copy.deepcopy(found)

    async def get_by_ref(self, provider: PaymentProvider, provider_ref: str):  # type: ignore[no-untyped-def]
        return self._first(provider, provider_ref=provider_ref)

    async def get_by_paid_ref(self, provider: PaymentProvider, paid_ref: str):  # type: ignore[no-untyped-def]
        return self._first(provider, paid_ref=paid_ref)

    async def get_by_refund_ref(self, provider: PaymentProvider, refund_ref: str):  # type: ignore[no-untyped-def]
        return self._first(provider, refund_ref=refund_ref)

    async def for_booking(self, booking_id: int):  # type: ignore[no-untyped-def]
        return [copy.deepcopy(p) for p in self.s.payments.values() if p.booking_id == booking_id]

    async def set_status(self, payment: Payment, sources, **fields) -> bool:  # type: ignore[no-untyped-def]
        stored = self.s.payments.get(payment.id)
        if stored is None or stored.status not in sources:
            return False
        for name, value in fields.items():
            setattr(payment, name, value)
        self.s.payments[payment.id] = copy.deepcopy(payment)
        return True

    async def with_status(self, statuses, since):  # type: ignore[no-untyped-def]
        found = [p for p in self.s.payments.values() if p.status in statuses and p.created_at >= since]
        return [copy.deepcopy(p) for p in sorted(found, key=lambda p: p.created_at)]

    async def open_for_bookings(self, booking_ids):  # type: ignore[no-untyped-def]
        return [
            copy.deepcopy(p)
            for p in self.s.payments.values()
            if p.booking_id in booking_ids and p.status is PaymentStatus.OPEN
        ]


class FakeProviderEvents(_Repo):
    async def record(self, provider, event_id, event_type, at) -> bool:  # type: ignore[no-untyped-def]
        key = (provider, event_id)
        if key in self.s.events:
            return False
        self.s.events[key] = None
        return True

    async def processed(self, provider, event_id) -> bool:  # type: ignore[no-untyped-def]
        return self.s.events.get((provider, event_id)) is not None

    async def mark_processed(self, provider, event_id, at, outcome=None) -> None:  # type: ignore[no-untyped-def]
        self.s.events[(provider, event_id)] = at
        self.s.event_outcomes[(provider, event_id)] = outcome

    async def outcome(self, provider, event_id):  # type: ignore[no-untyped-def]
        return self.s.event_outcomes.get((provider, event_id))


class FakeInstallation(_Repo):
    async def key(self, proposed: str, at) -> str:  # type: ignore[no-untyped-def]
        if self.s.installation is None:
            self.s.installation = proposed
        return self.s.installation


class FakeGateway:
    """A payment provider in memory: links, payments, approvals, refunds, outages.
    Like the real providers it keeps the first answer of an idempotency key."""

    def __init__(self, provider: PaymentProvider) -> None:
        self.provider = provider
        self.checkouts: dict[str, dict] = {}
        self.by_key: dict[str, str] = {}
        self.refunds: dict[str, ProviderRefund] = {}  # by idempotency key
        self.refunded: dict[str, str] = {}  # paid_ref -> refund id
        self.disputed: set[str] = set()
        self.refusal: str | None = None  # a Refusal every refund answers with
        self.refund_mode = RefundStatus.SUCCEEDED
        self.minimum: Money | None = None
        self.down = False
        self.expired: list[str] = []

    def _check(self) -> None:
        if self.down:
            raise PaymentProviderDown(f"{self.provider} is down")

    async def create_checkout(self, request: CheckoutRequest) -> ProviderCheckout:
        self._check()
        if self.minimum is not None and request.total < self.minimum:
            raise ProviderRefused(Refusal.AMOUNT_TOO_SMALL, minimum=self.minimum)
        if request.idempotency_key in self.by_key:
            ref = self.by_key[request.idempotency_key]
        else:
            ref = f"{self.provider}-{len(self.checkouts) + 1}"
            self.by_key[request.idempotency_key] = ref
            self.checkouts[ref] = {"request": request, "status": ProviderStatus.OPEN, "paid_ref": None,
                                   "amount": request.total}
        return ProviderCheckout(ref, f"https://pay.invalid/{ref}")

    def pay(self, ref: str, amount: Money | None = None) -> None:
        """The customer pays (Stripe-like: money taken at once), maybe another amount."""
        self.checkouts[ref].update(status=ProviderStatus.PAID, paid_ref=f"pi-{ref}")
        if amount is not None:
            self.checkouts[ref]["amount"] = amount

    def pay_later(self, ref: str) -> None:
        """A delayed method: complete, the money not there yet."""
        self.checkouts[ref]["status"] = ProviderStatus.PROCESSING

    def approve(self, ref: str, amount: Money | None = None) -> None:
        """The buyer approves (PayPal-like: a capture takes the money)."""
        self.checkouts[ref]["status"] = ProviderStatus.APPROVED
        if amount is not None:
            self.checkouts[ref]["amount"] = amount

    async def fetch(self, provider_ref: str) -> ProviderPayment:
        self._check()
        c = self.checkouts[provider_ref]
        return ProviderPayment(provider_ref, c["status"], c["amount"], c["paid_ref"], c["request"].booking_id)

    async def capture(self, provider_ref: str, idempotency_key: str) -> ProviderPayment:
        self._check()
        c = self.checkouts[provider_ref]
        if c["status"] is ProviderStatus.APPROVED:
            c.update(status=ProviderStatus.PAID, paid_ref=f"cap-{provider_ref}")
        return await self.fetch(provider_ref)

    async def expire(self, provider_ref: str) -> None:
        self._check()
        c = self.checkouts[provider_ref]
        if c["status"] is ProviderStatus.OPEN:
            c["status"] = ProviderStatus.EXPIRED
            self.expired.append(provider_ref)

    async def refund(self, paid_ref: str, amount: Money | None, idempotency_key: str) -> ProviderRefund:
        self._check()
        if idempotency_key in self.refunds:
            return self.refunds[idempotency_key]
        if paid_ref in self.disputed:
            raise ProviderRefused(Refusal.DISPUTED)
        if self.refusal is not None:
            raise ProviderRefused(self.refusal)
        if paid_ref in self.refunded and self.refunded[paid_ref].startswith("dash-"):
            return ProviderRefund(None, RefundStatus.SUCCEEDED, "refunded outside CineBooker")
        refund = ProviderRefund(f"re-{len(self.refunds) + 1}", self.refund_mode,
                                "expired_or_canceled_card" if self.refund_mode is RefundStatus.FAILED else None)
        self.refunds[idempotency_key] = refund
        self.refunded[paid_ref] = refund.ref or ""
        return refund

    def dashboard_refund(self, paid_ref: str) -> None:
        self.refunded[paid_ref] = f"dash-{paid_ref}"

    def settle_refund(self, refund_ref: str, status: RefundStatus) -> None:
        for key, refund in self.refunds.items():
            if refund.ref == refund_ref:
                self.refunds[key] = ProviderRefund(refund_ref, status, "lost_or_stolen_card"
                                                   if status is RefundStatus.FAILED else None)

    async def fetch_refund(self, refund_ref: str) -> ProviderRefund:
        self._check()
        return next(r for r in self.refunds.values() if r.ref == refund_ref)


class FakeCinema(_Repo):
    async def get(self):  # type: ignore[no-untyped-def]
        return self.s.cinema

    async def put(self, cinema, at) -> None:  # type: ignore[no-untyped-def]
        self.s.cinema = cinema
