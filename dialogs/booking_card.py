"""How a booking reads, wherever it is shown (the booking flow's card, My bookings,
the cancel question): one text per state, so a card refreshed after a payment, an
expiry or a refund says what is true now, never a stale "To pay ... by"."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from dialogs.context import Texts
from dialogs.formatting import clip, clock, day_label, deadline, money, ticket_name
from dialogs.movies import title_with_genres
from domain.booking import Booking, BookingStatus
from domain.hall import seat_name
from domain.money import Money
from domain.services.bookings import BookingView


def discount_line(amount: Money, source: object, promo_code: str | None, t: Texts) -> str:
    """"Promo code WINTER15: −€3.45" (or the group discount), said once; empty
    when there is no discount. The summary and the card alike."""
    if not amount.amount:
        return ""
    label = t("discount-group") if str(source) == "group" else t("discount-promo", code=promo_code or "")
    return t("summary-discount", source=label, amount=money(amount, t))


def refunded_amount(booking: Booking) -> Money:
    """What went back to the customer: the amount paid (the total if unknown)."""
    if booking.paid_amount is not None:
        return Money(booking.paid_amount, booking.currency)
    return booking.total


def state_line(booking: Booking, t: Texts, zone: ZoneInfo) -> str:
    status = booking.status
    if status is BookingStatus.AWAITING_PAYMENT:
        return t("card-awaiting", total=money(booking.total, t), until=deadline(booking.expires_at, zone))
    if status is BookingStatus.REFUNDED:
        return t("card-refunded", amount=money(refunded_amount(booking), t))
    return t(f"card-{status}")


def card_text(view: BookingView, t: Texts, zone: ZoneInfo) -> str:
    b = view.booking
    lines = "\n".join(
        t("summary-line", seat=seat_name(s.seat_code), type=ticket_name(s.ticket_type, t), price=money(s.price, t))
        for s in b.seats
    )
    discount = discount_line(b.discount, b.discount_source, b.promo_code, t)
    discount = discount + "\n" if discount else ""
    return t(
        "booking-detail",
        number=b.id or 0,
        status=t(f"status-{b.status}"),
        title=title_with_genres(view.movie, t),
        date=day_label(view.showtime.starts_at, t, zone),
        time=clock(view.showtime.starts_at, zone),
        hall=view.hall_name,
        lines=lines,
        discount=discount,
        total=money(b.total, t),
        state=state_line(b, t, zone),
    )


def cancel_question(view: BookingView, t: Texts, zone: ZoneInfo) -> str:
    """Names the booking and what happens to the money before the customer agrees."""
    b = view.booking
    what = t(
        "cancel-what",
        number=b.id or 0,
        title=clip(view.movie.title_in(t.locale), 60),
        date=day_label(view.showtime.starts_at, t, zone),
        time=clock(view.showtime.starts_at, zone),
        seats=", ".join(seat_name(c) for c in b.seat_codes),
    )
    if b.status is BookingStatus.PAID:
        return t("cancel-ask-refund", what=what, amount=money(refunded_amount(b), t))
    return t("cancel-ask-unpaid", what=what)
