"""Reading PayPal's answers: orders, captures, refunds and errors in our terms."""

from __future__ import annotations

import json
import logging
import re
from typing import Any, Mapping

from domain.errors import ProviderRefused
from domain.money import Money
from domain.payments import ProviderPayment, ProviderRefund, ProviderStatus, Refusal, RefundStatus
from infrastructure.payments.units import from_paypal_value

log = logging.getLogger("infrastructure.payments.paypal_gateway")

# Order states that still wait for the buyer.
_OPEN = frozenset({"CREATED", "SAVED", "PAYER_ACTION_REQUIRED"})
# Capture states after the money moved; later refunds do not undo "it was paid".
_CAPTURED = frozenset({"COMPLETED", "PARTIALLY_REFUNDED", "REFUNDED"})
_CAPTURE_FAILED = frozenset({"DECLINED", "FAILED"})
_REFUND_STATUS = {
    "COMPLETED": RefundStatus.SUCCEEDED,
    "PENDING": RefundStatus.PENDING,
    "FAILED": RefundStatus.FAILED,
    "CANCELLED": RefundStatus.FAILED,
}

class PayPalError(Exception):
    """PayPal refused a request for good (4xx other than 401 and 429)."""

    def __init__(self, status: int, name: str, issue: str | None, message: str) -> None:
        super().__init__(f"paypal {status} {name}{f' {issue}' if issue else ''}: {message}")
        self.status = status
        self.name = name
        self.issue = issue


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def parse_json(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def safe_id(ref: str) -> str:
    # Ids go into the path: refuse anything that could step elsewhere.
    if not ref or not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", ref):
        raise ValueError(f"not a PayPal id: {ref!r}")
    return ref


def issue_of(answer: Any) -> str | None:
    if isinstance(answer, dict):
        details = answer.get("details")
        if isinstance(details, list) and details and isinstance(details[0], dict):
            return details[0].get("issue")
        return answer.get("name") or answer.get("error")
    return None


def error_of(status: int, answer: Any) -> PayPalError:
    if not isinstance(answer, dict):
        return PayPalError(status, "UNEXPECTED_ANSWER", None, repr(answer)[:200])
    return PayPalError(status, str(answer.get("name") or answer.get("error") or "ERROR"), issue_of(answer),
                       str(answer.get("message") or answer.get("error_description") or ""))


def refused(what: str, status: int, answer: Any) -> ProviderRefused:
    """PayPal's refusal (a 4xx other than 401/403/429) as a domain outcome."""
    error = error_of(status, answer)
    issue = error.issue or error.name
    if "DISPUTE" in issue:
        reason = Refusal.DISPUTED
    elif issue in ("CAPTURE_FULLY_REFUNDED", "REFUND_AMOUNT_EXCEEDED"):
        reason = Refusal.ALREADY_REFUNDED
    elif issue in ("CURRENCY_NOT_SUPPORTED", "CURRENCY_NOT_SUPPORTED_FOR_RECEIVER"):
        reason = Refusal.CURRENCY_UNSUPPORTED
    else:
        reason = Refusal.INVALID
        log.error("paypal refused to %s: %s", what, error)
    return ProviderRefused(reason, f"paypal: {what}: {error}")


def refund_of(answer: Mapping[str, Any]) -> ProviderRefund:
    status = _REFUND_STATUS.get(str(answer.get("status")), RefundStatus.PENDING)
    details = answer.get("status_details")
    reason = details.get("reason") if isinstance(details, dict) else None
    return ProviderRefund(str(answer.get("id") or "") or None, status, reason if status is RefundStatus.FAILED else None)


def link_of(resource: Mapping[str, Any], rel: str) -> str | None:
    for link in resource.get("links") or ():
        if isinstance(link, dict) and link.get("rel") == rel and link.get("href"):
            return str(link["href"])
    return None


def order_payment(provider_ref: str, order: Mapping[str, Any]) -> ProviderPayment:
    units = order.get("purchase_units") or [{}]
    unit = units[0] if isinstance(units[0], dict) else {}
    reference = str(unit.get("custom_id") or unit.get("reference_id") or "")
    booking_id = int(reference) if reference.isdigit() else None
    amount = money_of(unit.get("amount"))
    state = order.get("status")
    if state in _OPEN:
        return ProviderPayment(provider_ref, ProviderStatus.OPEN, amount, None, booking_id)
    if state == "APPROVED":
        return ProviderPayment(provider_ref, ProviderStatus.APPROVED, amount, None, booking_id)
    if state == "VOIDED":
        return ProviderPayment(provider_ref, ProviderStatus.EXPIRED, amount, None, booking_id)
    if state == "COMPLETED":
        captures = [
            c for u in units if isinstance(u, dict) for c in (u.get("payments") or {}).get("captures") or ()
            if isinstance(c, dict)
        ]
        for capture in captures:
            if capture.get("status") in _CAPTURED:
                paid = money_of(capture.get("amount")) or amount
                return ProviderPayment(provider_ref, ProviderStatus.PAID, paid, str(capture["id"]), booking_id)
        if captures and all(c.get("status") in _CAPTURE_FAILED for c in captures):
            return ProviderPayment(provider_ref, ProviderStatus.FAILED, amount, None, booking_id)
    # A PENDING capture (an eCheck, a review) or a state we do not know: wait for the
    # next event, which is asked about again.
    return ProviderPayment(provider_ref, ProviderStatus.OPEN, amount, None, booking_id)


def money_of(raw: Any) -> Money | None:
    if not isinstance(raw, dict):
        return None
    try:
        return from_paypal_value(str(raw["value"]), str(raw["currency_code"]))
    except (KeyError, ValueError):
        return None
