"""After the seats: the summary (with ticket types and a promo code as optional
steps), booking and paying in one tap, and the booking's card.

The summary is where a customer decides, so it offers the pay buttons itself:
"Pay by card" books the seats, opens the provider's session and shows its link.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Column, Row, Select, SwitchTo
from aiogram_dialog.widgets.text import Format

from dialogs.answers import say
from dialogs.booking_card import card_text, discount_line
from dialogs.context import Texts, owner_token, services, texts, user_id, watch_selection
from dialogs.formatting import clip, clock, day_label, deadline, money, ticket_name
from dialogs.i18n import T
from dialogs.paying import open_link, pay_flags, pay_row, start_payment
from dialogs.states import Booking, MyBookings
from domain.catalog import TicketType
from domain.booking import Booking as BookingRecord, BookingStatus
from domain.customer import Customer
from domain.errors import HoldLost, InvalidSeats, NotFound, PromoRefused, SalesClosed, SeatsUnavailable
from domain.hall import seat_name
from domain.payments import PaymentProvider
from domain.pricing import Quote

PROMO_MAX_CHARS = 32


def _type_name(tt: TicketType, t: Texts) -> str:
    """The translated name, with the catalog's own where it says more (its age
    rule: "Child (Kind (bis 11 Jahre))")."""
    name = ticket_name(tt.code, t)
    return f"{name} ({tt.name})" if tt.name and tt.name.casefold() != name.casefold() else name


async def tickets_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    """Each seat with its ticket type at its price, and what each type costs for
    the first seat's zone, so the choice is made seeing the prices."""
    t = texts(dialog_manager)
    svc = services(dialog_manager)
    data = dialog_manager.dialog_data
    types = await svc.catalog.ticket_types()
    tickets: dict[str, str] = data.get("tickets", {})
    try:
        quote = await svc.checkout.quote(data["showtime_id"], tickets, user_id(dialog_manager))
    except (InvalidSeats, NotFound):
        return {"tickets": [], "proof": False, "types": ""}
    items = [
        (line.seat_code, t("ticket-line", seat=seat_name(line.seat_code), type=ticket_name(line.ticket_type, t),
                           price=money(line.price, t)))
        for line in quote.lines
    ]
    base = quote.lines[0].base_price if quote.lines else None
    listed = " · ".join(f"{_type_name(tt, t)} {money(tt.price(base), t)}" if base else _type_name(tt, t) for tt in types)
    by_code = {tt.code: tt for tt in types}
    proof = any(by_code[c].needs_proof for c in tickets.values() if c in by_code)
    return {"tickets": items, "proof": proof, "types": t("tickets-types", types=listed)}


async def on_ticket(callback: CallbackQuery, _w: Any, manager: DialogManager, seat: str) -> None:
    tickets: dict[str, str] = manager.dialog_data.get("tickets", {})
    if seat not in tickets:
        say(manager, texts(manager)("error-forged"))
        return
    codes = [tt.code for tt in await services(manager).catalog.ticket_types()]
    current = tickets[seat]
    tickets[seat] = codes[(codes.index(current) + 1) % len(codes)] if current in codes else codes[0]
    manager.dialog_data["tickets"] = tickets


async def on_promo(message: Message, _w: Any, manager: DialogManager) -> None:
    """A code is checked before it is taken: a wrong one keeps the prompt open with
    the reason, so the customer can type it again or go on without."""
    t = texts(manager)
    svc = services(manager)
    code = (message.text or "").strip()
    if not code or len(code) > PROMO_MAX_CHARS or not code.replace("-", "").replace("_", "").isalnum():
        await message.answer(t("promo-malformed", max=PROMO_MAX_CHARS))
        return
    data = manager.dialog_data
    try:
        quote = await svc.checkout.quote(data["showtime_id"], data.get("tickets", {}), message.from_user.id, code)
    except (InvalidSeats, NotFound):
        await manager.switch_to(Booking.summary)  # the summary says the seats are gone
        return
    if quote.promo_refusal is not None:
        await message.answer(t(f"promo-refused-{quote.promo_refusal}"))
        return
    data["promo"] = code
    await manager.switch_to(Booking.summary)


async def on_no_promo(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop("promo", None)
    await manager.switch_to(Booking.summary)


def _summary_text(quote: Quote, t: Texts) -> tuple[str, str]:
    """Each seat at its price, then the discount once: the lines add up to the
    subtotal, and subtotal minus discount is the total shown."""
    lines = "\n".join(
        t("summary-line", seat=seat_name(line.seat_code), type=ticket_name(line.ticket_type, t),
          price=money(line.price, t))
        for line in quote.lines
    )
    return lines, discount_line(quote.discount, quote.discount_source, quote.promo_code, t)


async def summary_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    t = texts(dialog_manager)
    svc = services(dialog_manager)
    data = dialog_manager.dialog_data
    customer_id = user_id(dialog_manager)
    selection = await svc.seats.selection(data["showtime_id"], owner_token(customer_id))
    tickets = {seat: code for seat, code in data.get("tickets", {}).items() if seat in selection.seats}
    lost = {"lost": True, "summary": t("hold-lost"), "can_book": False, "can_pay_card": False, "can_pay_paypal": False}
    if not tickets:
        return lost
    try:
        quote = await svc.checkout.quote(data["showtime_id"], tickets, customer_id, data.get("promo"))
    except (InvalidSeats, NotFound):
        return lost
    showtime, movie, hall = await svc.catalog.showtime(data["showtime_id"])
    zone = svc.policy.zone
    lines, discount = _summary_text(quote, t)
    summary = t(
        "summary",
        title=clip(movie.title_in(t.locale), 60),
        time=clock(showtime.starts_at, zone),
        date=day_label(showtime.starts_at, t, zone),
        hall=hall.name,
        lines=lines,
        discount=discount,
        total=money(quote.total, t),
        vat=money(quote.vat, t),
        rate=f"{quote.vat_basis_points / 100:g}",
        until=deadline(datetime.now(timezone.utc) + timedelta(milliseconds=selection.remaining_ms), zone),
        refusal=t(f"promo-refused-{quote.promo_refusal}") if quote.promo_refusal else "",
    )
    # Nothing to pay (a 100% promo code): booking is all there is to do.
    gateways = svc.payments.gateways if svc.payments is not None and quote.total.amount else {}
    return {
        "lost": False,
        "summary": summary,
        "can_pay_card": PaymentProvider.STRIPE in gateways,
        "can_pay_paypal": PaymentProvider.PAYPAL in gateways,
        "can_book": not gateways,  # nothing to pay with here, or nothing to pay
        "free": not quote.total.amount,
        "has_promo": bool(data.get("promo")),
    }


async def _book(callback: CallbackQuery, manager: DialogManager) -> BookingRecord | None:
    """Turn the held seats into a booking (awaiting payment, or paid at once when
    it costs nothing); None (and said why) when it cannot be made."""
    t = texts(manager)
    svc = services(manager)
    data = manager.dialog_data
    user = callback.from_user
    customer = Customer(user.id, user.full_name, t.locale)
    try:
        booking = await svc.checkout.checkout(
            data["showtime_id"], owner_token(user.id), customer, data.get("tickets"), data.get("promo")
        )
    except PromoRefused as exc:
        say(manager, t(f"promo-refused-{exc.reason}"), alert=True)
        data.pop("promo", None)
        return None
    except (HoldLost, SeatsUnavailable):
        say(manager, t("hold-lost"), alert=True)
        await manager.switch_to(Booking.seats)
        return None
    except (SalesClosed, NotFound):
        say(manager, t("sales-closed"), alert=True)
        await manager.switch_to(Booking.movie)
        return None
    data["booking_id"] = booking.id
    data.pop("pay_url", None)
    await watch_selection(manager, data["showtime_id"], 0)
    return booking


async def on_checkout(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    if await _book(callback, manager) is not None:
        await manager.switch_to(Booking.reserved)


def _book_and_pay(provider: PaymentProvider) -> Any:
    async def on_click(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
        booking = await _book(callback, manager)
        if booking is None:
            return
        if booking.status is not BookingStatus.AWAITING_PAYMENT:  # paid at once: it cost nothing
            await manager.switch_to(Booking.reserved)
            return
        # Booked: the card is where it can be paid, cancelled or paid another way.
        linked = await start_payment(callback, manager, provider) is not None
        await manager.switch_to(Booking.pay if linked else Booking.reserved)

    return on_click


async def reserved_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    svc = services(dialog_manager)
    view = await svc.bookings.get_for_customer(dialog_manager.dialog_data["booking_id"], user_id(dialog_manager))
    return {
        "reserved": card_text(view, texts(dialog_manager), svc.policy.zone),
        "cancellable": view.booking.status in (BookingStatus.AWAITING_PAYMENT, BookingStatus.PAID),
        **pay_flags(svc, view.booking, dialog_manager.dialog_data.get("pay_url", "")),
    }


async def _to_pay_window(manager: DialogManager) -> None:
    await manager.switch_to(Booking.pay)


tickets_window = Window(
    T("tickets-title"),
    Format("{types}"),
    T("tickets-proof", when="proof"),
    Column(Select(Format("{item[1]}"), id="k", item_id_getter=lambda i: i[0], items="tickets", on_click=on_ticket)),
    SwitchTo(T("button-done"), id="kn", state=Booking.summary),
    state=Booking.tickets,
    getter=tickets_getter,
)

promo_window = Window(
    T("promo-ask"),
    MessageInput(on_promo),
    Row(
        SwitchTo(T("button-back"), id="pb", state=Booking.summary),
        Button(T("button-no-promo"), id="pn", on_click=on_no_promo),
    ),
    state=Booking.promo,
)

summary_window = Window(
    Format("{summary}"),
    Row(
        Button(T("button-pay-card"), id="yc", on_click=_book_and_pay(PaymentProvider.STRIPE), when="can_pay_card"),
        Button(T("button-pay-paypal"), id="yq", on_click=_book_and_pay(PaymentProvider.PAYPAL), when="can_pay_paypal"),
    ),
    Button(T("button-checkout"), id="yk", on_click=on_checkout, when=lambda d, *_: d.get("can_book") and not d.get("free")),
    Button(T("button-book-free"), id="yf", on_click=on_checkout, when=lambda d, *_: d.get("can_book") and d.get("free")),
    Row(
        SwitchTo(T("button-tickets"), id="yt", state=Booking.tickets, when=lambda d, *_: not d.get("lost")),
        SwitchTo(T("button-promo"), id="yp", state=Booking.promo, when=lambda d, *_: not d.get("lost")),
    ),
    Row(
        SwitchTo(T("button-back"), id="yb", state=Booking.seats, when=lambda d, *_: not d.get("lost")),
        SwitchTo(T("button-seats"), id="ys", state=Booking.seats, when="lost"),
    ),
    state=Booking.summary,
    getter=summary_getter,
)

async def on_cancel_booking(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    """The same question as in My bookings (naming the booking and the refund)."""
    await manager.start(MyBookings.confirm_cancel, data={"booking_id": manager.dialog_data["booking_id"]})


reserved_window = Window(
    Format("{reserved}"),
    pay_row("p", after=_to_pay_window),
    Row(
        Button(T("button-cancel-booking"), id="rc", on_click=on_cancel_booking, when="cancellable"),
        Cancel(T("button-menu"), id="rm"),
    ),
    state=Booking.reserved,
    getter=reserved_getter,
)

pay_window = Window(
    Format("{reserved}"),
    T("pay-open", when="pay_url"),  # once paid (or lapsed) the instructions go
    open_link("p"),
    SwitchTo(T("button-back"), id="pb", state=Booking.reserved),
    state=Booking.pay,
    getter=reserved_getter,
)
