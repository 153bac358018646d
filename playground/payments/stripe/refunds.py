"""Refunds and disputes of the Stripe sandbox: money going back to the customer.

By default a refund succeeds at once. `mode` makes the next refunds stay `pending`
(settled later with `settle`) or fail (`pending` in the API's answer, then `failed`
with a `failure_reason`). A failed refund gives its amount back to the charge's
`amount_refunded`, as at Stripe. Refunds "made in the Dashboard" and disputes let an
app meet Stripe's `charge_already_refunded` and `charge_disputed` refusals.

Events, as Stripe sends them: a new refund `charge.refunded` and `refund.created`;
a pending refund that settles `refund.updated` and `charge.refund.updated` (with
`previous_attributes`), plus `refund.failed` when it fails; a dispute
`charge.dispute.created`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from playground.payments.ids import stripe_id
from playground.payments.money import stripe_text
from playground.payments.stripe.errors import StripeError
from playground.payments.stripe.objects import Charge, Dispute, Refund
from playground.payments.stripe.params import RefundSpec, three_decimal

if TYPE_CHECKING:
    from playground.payments.stripe.sandbox import Origin, StripeSandbox

REFUND_MODES = ("succeeded", "pending", "failed")
# Stripe's documented values of a failed refund's `failure_reason`.
FAILURE_REASONS = ("charge_for_pending_refund_disputed", "declined", "expired_or_canceled_card",
                   "insufficient_funds", "lost_or_stolen_card", "merchant_request", "unknown")
DEFAULT_FAILURE = "expired_or_canceled_card"
DISPUTE_REASONS = ("bank_cannot_process", "credit_not_processed", "customer_initiated",
                   "debit_not_authorized", "duplicate", "fraudulent", "general",
                   "incorrect_account_details", "insufficient_funds", "product_not_received",
                   "product_unacceptable", "subscription_canceled", "unrecognized")
EVIDENCE_WINDOW = 7 * 24 * 60 * 60  # a card network gives about a week to respond


class RefundDesk:
    def __init__(self, sandbox: StripeSandbox) -> None:
        self.sandbox = sandbox
        self.by_id: dict[str, Refund] = {}
        self.disputes: dict[str, Dispute] = {}
        self.mode = "succeeded"
        self.failure_reason = DEFAULT_FAILURE

    def set_mode(self, mode: str, failure_reason: str | None = None) -> None:
        """How the next refunds behave: succeeded (default), pending or failed."""
        if mode not in REFUND_MODES:
            raise ValueError(f"mode must be one of {', '.join(REFUND_MODES)}")
        reason = _failure_reason(failure_reason)  # checked before anything changes
        self.mode, self.failure_reason = mode, reason

    def get(self, refund_id: str) -> Refund:
        refund = self.by_id.get(refund_id)
        if refund is None:
            raise StripeError.no_such("refund", refund_id, "refund")
        return refund

    def dispute(self, dispute_id: str) -> Dispute:
        dispute = self.disputes.get(dispute_id)
        if dispute is None:
            raise StripeError.no_such("dispute", dispute_id, "dispute")
        return dispute

    # --- creating refunds -------------------------------------------------------------

    def create(self, spec: RefundSpec, origin: Origin | None = None) -> Refund:
        """POST /v1/refunds. Returns the refund as the API answers it (pending in
        the failing mode: the failure follows at once, seen on the next fetch)."""
        sandbox = self.sandbox
        if spec.charge is not None:
            charge = sandbox.charge(spec.charge)
            if spec.payment_intent is not None and spec.payment_intent != charge.payment_intent:
                raise StripeError.invalid("charge", f"Charge {charge.id} does not belong to "
                                          f"PaymentIntent {spec.payment_intent}.")
            if charge.status != "succeeded":
                raise StripeError.invalid("charge", f"Charge {charge.id} has not succeeded; "
                                          "only successful charges can be refunded.",
                                          code="charge_not_refundable")
        else:
            charge = self._charge_of(spec.payment_intent or "")
        remaining = _refundable(charge)
        amount = spec.amount if spec.amount is not None else remaining
        if amount > remaining:
            raise StripeError.amount_too_large(
                "amount", f"Refund amount ({stripe_text(amount, charge.currency)}) is greater "
                f"than unrefunded amount on charge ({stripe_text(remaining, charge.currency)})")
        three_decimal(amount, charge.currency, "amount")
        return self._make(charge, amount, spec.metadata, spec.reason, origin)

    def refund_in_dashboard(self, intent_id: str, origin: Origin) -> Refund:
        """What an operator's full refund in the Stripe Dashboard does: the rest of the
        charge goes back, outside the app's own calls."""
        charge = self._charge_of(intent_id)
        return self._make(charge, _refundable(charge), {}, "requested_by_customer", origin)

    def _charge_of(self, intent_id: str) -> Charge:
        intent = self.sandbox.payment_intent(intent_id)
        if intent.status != "succeeded" or intent.latest_charge is None:
            raise StripeError.invalid("payment_intent", f"This PaymentIntent ({intent.id}) "
                                      "does not have a successful charge to refund.",
                                      code="charge_not_refundable")
        return self.sandbox.charge(intent.latest_charge)

    def _make(self, charge: Charge, amount: int, metadata: dict[str, str], reason: str | None,
              origin: Origin | None) -> Refund:
        sandbox = self.sandbox
        # A pending refund already counts in amount_refunded; it comes off if it fails.
        charge.amount_refunded += amount
        refund = Refund(id=stripe_id("re_"), amount=amount, currency=charge.currency,
                        charge=charge.id, payment_intent=charge.payment_intent,
                        created=sandbox.now(), metadata=dict(metadata), reason=reason,
                        status="succeeded" if self.mode == "succeeded" else "pending")
        self.by_id[refund.id] = refund
        sandbox.emit("charge.refunded", charge.to_json(), origin)
        sandbox.emit("refund.created", refund.to_json(), origin)
        if self.mode == "failed":
            answer = replace(refund)  # the API answers before the bank says no
            self._settle(refund, "failed", self.failure_reason)
            return answer
        return refund

    # --- later: settling a pending refund ---------------------------------------------

    def settle(self, refund_id: str, outcome: str, failure_reason: str | None = None) -> Refund:
        refund = self.get(refund_id)
        if outcome not in ("succeeded", "failed"):
            raise ValueError("outcome must be succeeded or failed")
        if refund.status != "pending":
            raise StripeError.invalid("refund", f"Refund {refund.id} is {refund.status}, "
                                      "not pending.")
        self._settle(refund, outcome, _failure_reason(failure_reason))
        return refund

    def _settle(self, refund: Refund, outcome: str, failure_reason: str) -> None:
        sandbox = self.sandbox
        previous: dict[str, Any] = {"status": refund.status}
        refund.status = outcome
        if outcome == "failed":
            refund.failure_reason = failure_reason
            previous["failure_reason"] = None
            sandbox.charge(refund.charge).amount_refunded -= refund.amount
        sandbox.emit("refund.updated", refund.to_json(), previous=previous)
        sandbox.emit("charge.refund.updated", refund.to_json(), previous=previous)
        if outcome == "failed":
            sandbox.emit("refund.failed", refund.to_json())

    # --- disputes ---------------------------------------------------------------------

    def open_dispute(self, intent_id: str, reason: str = "fraudulent") -> Dispute:
        """The customer's bank charges the payment back (a chargeback)."""
        if reason not in DISPUTE_REASONS:
            raise ValueError(f"reason must be one of {', '.join(DISPUTE_REASONS)}")
        charge = self._charge_of(intent_id)
        if charge.disputed:
            raise StripeError.invalid("charge", f"Charge {charge.id} is already disputed.")
        amount = charge.amount - charge.amount_refunded
        if amount <= 0:
            # Stripe: disputes are not possible on fully refunded card charges.
            raise StripeError.invalid("charge", f"Charge {charge.id} has been fully refunded.",
                                      code="charge_already_refunded")
        now = self.sandbox.now()
        dispute = Dispute(id=stripe_id("dp_"), amount=amount, currency=charge.currency,
                          charge=charge.id, payment_intent=charge.payment_intent, created=now,
                          reason=reason, due_by=now + EVIDENCE_WINDOW)
        charge.disputed = True
        self.disputes[dispute.id] = dispute
        self.sandbox.emit("charge.dispute.created", dispute.to_json())
        # Stripe fails refunds still pending on a charge that gets disputed.
        for refund in list(self.by_id.values()):
            if refund.charge == charge.id and refund.status == "pending":
                self._settle(refund, "failed", "charge_for_pending_refund_disputed")
        return dispute


def _refundable(charge: Charge) -> int:
    """What is left to refund of a charge; Stripe's errors for a disputed or a fully
    refunded one (the app's own call and a Dashboard refund alike)."""
    if charge.disputed:
        raise StripeError.invalid("charge", f"Charge {charge.id} has been charged back; "
                                  "cannot issue a refund.", code="charge_disputed")
    remaining = charge.amount - charge.amount_refunded
    if remaining <= 0:
        raise StripeError.invalid("charge", f"Charge {charge.id} has already been refunded.",
                                  code="charge_already_refunded")
    return remaining


def _failure_reason(value: str | None) -> str:
    if value is None:
        return DEFAULT_FAILURE
    if value not in FAILURE_REASONS:
        raise ValueError(f"failure_reason must be one of {', '.join(FAILURE_REASONS)}")
    return value
