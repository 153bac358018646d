from datetime import datetime, timedelta, timezone

import pytest

from domain.catalog import PriceRule, TicketType
from domain.hall import Hall, RowSpec, SeatKind
from domain.money import Money
from domain.pricing import DiscountSource, GroupDiscount, PricedSeat, PricingPolicy, build_quote, spread
from domain.promo import PromoCode, PromoKind, PromoRefusal

NOW = datetime(2026, 11, 24, 12, tzinfo=timezone.utc)
HALL = Hall(None, "h", "Hall", (RowSpec("A", "ssssssss"), RowSpec("B", "vvvv")))
ADULT = TicketType("adult", "Adult")
STUDENT = TicketType("student", "Student", PriceRule.MINUS, 200)
CHILD = TicketType("child", "Child", PriceRule.PERCENT, 7000)
FLAT = TicketType("member", "Member", PriceRule.FIXED, 500)
NO_GROUP = PricingPolicy(vat_basis_points=700, group=GroupDiscount(0, 0))


def priced(codes, ticket=ADULT, price=1200):
    return [PricedSeat(HALL.seat(c), Money(price, "EUR"), ticket) for c in codes]


def test_ticket_type_rules():
    base = Money(1200, "EUR")
    assert ADULT.price(base).amount == 1200
    assert STUDENT.price(base).amount == 1000
    assert CHILD.price(base).amount == 840
    assert FLAT.price(base).amount == 500
    assert TicketType("x", "x", PriceRule.MINUS, 5000).price(base).amount == 0


def test_quote_totals_and_vat():
    seats = priced(["A-1", "A-2"]) + [PricedSeat(HALL.seat("A-3"), Money(1200, "EUR"), STUDENT)]
    q = build_quote(seats, NO_GROUP, "EUR")
    assert q.subtotal.amount == 3400 and q.discount.amount == 0 and q.total.amount == 3400
    assert q.vat.amount == 222  # 3400 - round(3400 / 1.07)
    assert q.discount_source is None


def test_percent_promo_applies_per_line():
    promo = PromoCode(1, "save15", PromoKind.PERCENT, 1500)
    q = build_quote(priced(["A-1", "A-2"]), NO_GROUP, "EUR", promo)
    assert q.discount_source is DiscountSource.PROMO and q.promo_code == "SAVE15"
    assert [line.discount.amount for line in q.lines] == [180, 180]
    assert q.total.amount == 2040


def test_fixed_promo_is_spread_exactly_and_capped():
    promo = PromoCode(1, "FIVE", PromoKind.FIXED, 500)
    q = build_quote(priced(["A-1", "A-2", "A-3"]), NO_GROUP, "EUR", promo)
    assert sum(line.discount.amount for line in q.lines) == 500
    assert q.total.amount == 3100
    huge = PromoCode(1, "HUGE", PromoKind.FIXED, 100_000)
    q = build_quote(priced(["A-1"]), NO_GROUP, "EUR", huge)
    assert q.total.amount == 0


def test_promo_scoped_to_seat_kind_only_discounts_those_seats():
    promo = PromoCode(1, "VIP", PromoKind.PERCENT, 5000, seat_kinds=frozenset({SeatKind.VIP}))
    seats = priced(["A-1"]) + priced(["B-1"], price=2000)
    q = build_quote(seats, NO_GROUP, "EUR", promo)
    assert [line.discount.amount for line in q.lines] == [0, 1000]


def test_group_discount_from_six_and_no_stacking():
    policy = PricingPolicy(700, GroupDiscount(6, 1000))
    five = build_quote(priced([f"A-{i}" for i in range(1, 6)]), policy, "EUR")
    assert five.discount.amount == 0
    six = build_quote(priced([f"A-{i}" for i in range(1, 7)]), policy, "EUR")
    assert six.discount_source is DiscountSource.GROUP and six.discount.amount == 720
    small_promo = PromoCode(1, "TINY", PromoKind.FIXED, 100)
    q = build_quote(priced([f"A-{i}" for i in range(1, 7)]), policy, "EUR", small_promo)
    # The larger discount wins; the code is valid but not applied.
    assert q.discount_source is DiscountSource.GROUP and q.discount.amount == 720
    big_promo = PromoCode(1, "BIG", PromoKind.PERCENT, 2000)
    q = build_quote(priced([f"A-{i}" for i in range(1, 7)]), policy, "EUR", big_promo)
    assert q.discount_source is DiscountSource.PROMO and q.discount.amount == 1440


def test_refusal_is_carried_not_raised():
    q = build_quote(priced(["A-1"]), NO_GROUP, "EUR", None, PromoRefusal.EXPIRED)
    assert q.promo_refusal is PromoRefusal.EXPIRED and q.total.amount == 1200


@pytest.mark.parametrize("amount, weights", [(500, [1200, 1200, 1200]), (7, [1, 1, 1]), (100, [0, 5, 0]), (1, [3, 3])])
def test_spread_adds_up(amount, weights):
    parts = spread(amount, weights)
    assert sum(parts) == amount and all(p >= 0 for p in parts)
    assert all(p == 0 for p, w in zip(parts, weights) if w == 0)


class TestPromoRefusals:
    def refusal(self, promo, **kw):
        args = dict(now=NOW, movie_id=1, showtime_id=10, seat_kinds=[SeatKind.STANDARD], customer_uses=0)
        args.update(kw)
        return promo.refusal(**args)

    def test_case_insensitive_code(self):
        assert PromoCode(1, " Spring 24 ", PromoKind.PERCENT, 100).code == "SPRING24"

    def test_window(self):
        p = PromoCode(1, "W", PromoKind.PERCENT, 100, valid_from=NOW + timedelta(days=1))
        assert self.refusal(p) is PromoRefusal.NOT_YET_VALID
        p = PromoCode(1, "W", PromoKind.PERCENT, 100, valid_until=NOW)
        assert self.refusal(p) is PromoRefusal.EXPIRED

    def test_limits(self):
        p = PromoCode(1, "L", PromoKind.PERCENT, 100, max_uses=3, uses=3)
        assert self.refusal(p) is PromoRefusal.EXHAUSTED
        p = PromoCode(1, "L", PromoKind.PERCENT, 100, max_uses_per_customer=1)
        assert self.refusal(p, customer_uses=1) is PromoRefusal.ALREADY_USED
        assert self.refusal(p, customer_uses=0) is None

    def test_scope(self):
        p = PromoCode(1, "S", PromoKind.PERCENT, 100, min_tickets=2)
        assert self.refusal(p) is PromoRefusal.TOO_FEW_TICKETS
        p = PromoCode(1, "S", PromoKind.PERCENT, 100, movie_ids=frozenset({2}))
        assert self.refusal(p) is PromoRefusal.NOT_FOR_THIS_MOVIE
        p = PromoCode(1, "S", PromoKind.PERCENT, 100, showtime_ids=frozenset({11}))
        assert self.refusal(p) is PromoRefusal.NOT_FOR_THIS_SHOWTIME
        p = PromoCode(1, "S", PromoKind.PERCENT, 100, seat_kinds=frozenset({SeatKind.VIP}))
        assert self.refusal(p) is PromoRefusal.NOT_FOR_THESE_SEATS
        assert self.refusal(p, seat_kinds=[SeatKind.STANDARD, SeatKind.VIP]) is None

    def test_bad_values(self):
        with pytest.raises(ValueError):
            PromoCode(1, "X", PromoKind.PERCENT, 10_001)
        with pytest.raises(ValueError):
            PromoCode(1, "X", PromoKind.FIXED, -1)
