"""Domain errors. Each carries a stable ``code`` that the translation layer turns
into a message for the customer, and ``params`` to fill it in."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str = "", **params: Any) -> None:
        super().__init__(message or self.code)
        self.params = params


class NotFound(DomainError):
    code = "not_found"


class InvalidTransition(DomainError):
    code = "invalid_transition"


class SalesClosed(DomainError):
    code = "sales_closed"


class SeatsUnavailable(DomainError):
    """Some seats are held by someone else or already sold."""

    code = "seats_unavailable"

    def __init__(self, seats: list[str] | tuple[str, ...], message: str = "") -> None:
        super().__init__(message or f"seats unavailable: {', '.join(seats)}", seats=list(seats))
        self.seats = tuple(seats)


class InvalidSeats(DomainError):
    """Seats that do not exist, are blocked, or break a couch pair."""

    code = "invalid_seats"


class HoldLost(DomainError):
    """The customer's hold ran out or was taken over before checkout."""

    code = "hold_lost"


class PromoRefused(DomainError):
    code = "promo_refused"

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message or f"promo code refused: {reason}", reason=reason)
        self.reason = reason


class CancellationNotAllowed(DomainError):
    code = "cancellation_not_allowed"


class PaymentMismatch(DomainError):
    code = "payment_mismatch"


class PaymentProviderDown(DomainError):
    """The payment provider did not answer or failed; nothing was charged."""

    code = "payment_provider_down"


class PaymentsMisconfigured(PaymentProviderDown):
    """The provider refuses our credentials or account: an operator's fix. To the
    customer, payments are unavailable; the log says what to fix, once."""

    code = "payment_provider_down"


class ProviderRefused(DomainError):
    """The provider refused a request for good; ``reason`` is a Refusal."""

    code = "provider_refused"

    def __init__(self, reason: str, message: str = "", **params: Any) -> None:
        super().__init__(message or f"refused: {reason}", reason=reason, **params)
        self.reason = reason


class PaymentNotPossible(DomainError):
    """The booking cannot be paid (any more): expired, cancelled, paid."""

    code = "payment_not_possible"


class AlreadyExists(DomainError):
    """A unique record (an invoice of a booking, say) was written meanwhile by a
    concurrent caller; read it again instead."""

    code = "already_exists"
