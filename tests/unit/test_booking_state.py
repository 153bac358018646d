from datetime import datetime, timezone

import pytest

from domain.booking import TRANSITIONS, Booking, BookingStatus, can_transition
from domain.errors import InvalidTransition

NOW = datetime(2026, 11, 24, tzinfo=timezone.utc)
S = BookingStatus


def booking(status):
    return Booking(1, 7, 3, status, [], "EUR", NOW, NOW)


@pytest.mark.parametrize(
    "start, target",
    [
        (S.AWAITING_PAYMENT, S.PAID),
        (S.AWAITING_PAYMENT, S.EXPIRED),
        (S.AWAITING_PAYMENT, S.CANCELLED),
        (S.PAID, S.CANCELLED),
        (S.PAID, S.REFUNDED),
        (S.CANCELLED, S.REFUNDED),
        (S.EXPIRED, S.PAID),
        (S.EXPIRED, S.REFUNDED),
    ],
)
def test_valid_transitions(start, target):
    b = booking(start)
    b.transition(target, NOW)
    assert b.status is target and b.history[-1] == (target, NOW)


def test_every_other_transition_is_refused():
    allowed = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    for start in S:
        for target in S:
            if (start, target) in allowed:
                continue
            b = booking(start)
            with pytest.raises(InvalidTransition):
                b.transition(target, NOW)
            assert b.status is start
    assert not can_transition(S.REFUNDED, S.PAID)


def test_paid_and_cancel_times_are_recorded():
    b = booking(S.AWAITING_PAYMENT)
    b.transition(S.PAID, NOW)
    assert b.paid_at == NOW
    b.transition(S.CANCELLED, NOW)
    assert b.cancelled_at == NOW and not b.active
