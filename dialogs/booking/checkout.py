"""After the seats: a ticket type per seat, a promo code, the summary, checkout."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Back, Button, Column, Row, Select, SwitchTo
from aiogram_dialog.widgets.text import Format

from dialogs.answers import say
from dialogs.context import owner_token, services, texts, user_id, watch_selection
from dialogs.formatting import clip, clock, deadline, money
from dialogs.paying import open_link, pay_flags, pay_row
from dialogs.i18n import T
from dialogs.states import Booking
from domain.customer import Customer
from domain.booking import BookingStatus
from domain.errors import (
    HoldLost,
    InvalidSeats,
    NotFound,
    PromoRefused,
    SalesClosed,
    SeatsUnavailable,
)

PROMO_MAX_CHARS = 32


async def tickets_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    t = texts(dialog_manager)
    types = {tt.code: tt for tt in await services(dialog_manager).catalog.ticket_types()}
    tickets: dict[str, str] = dialog_manager.dialog_data.get("tickets", {})
    items = [
        (seat, t("ticket-line", seat=seat, type=t(f"ticket-{code}") if code in types else code))
        for seat, code in tickets.items()
    ]
    proof = any(types[c].needs_proof for c in tickets.values() if c in types)
    return {"tickets": items, "proof": proof}


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
    t = texts(manager)
    code = (message.text or "").strip()
    if not code or len(code) > PROMO_MAX_CHARS or not code.replace("-", "").replace("_", "").isalnum():
        await message.answer(t("promo-malformed", max=PROMO_MAX_CHARS))
        return
    manager.dialog_data["promo"] = code
    await manager.switch_to(Booking.summary)


async def on_no_promo(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop("promo", None)
    await manager.switch_to(Booking.summary)


async def summary_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    t = texts(dialog_manager)
    svc = services(dialog_manager)
    data = dialog_manager.dialog_data
    customer_id = user_id(dialog_manager)
    selection = await svc.seats.selection(data["showtime_id"], owner_token(customer_id))
    tickets = {seat: code for seat, code in data.get("tickets", {}).items() if seat in selection.seats}
    if not tickets:
        return {"lost": True, "summary": t("hold-lost")}
    try:
        quote = await svc.checkout.quote(data["showtime_id"], tickets, customer_id, data.get("promo"))
    except (InvalidSeats, NotFound):
        return {"lost": True, "summary": t("hold-lost")}
    showtime, movie, hall = await svc.catalog.showtime(data["showtime_id"])
    zone = svc.policy.zone
    lines = "\n".join(
        t("summary-line", seat=line.seat_code, type=t(f"ticket-{line.ticket_type}"), price=money(line.total))
        for line in quote.lines
    )
    discount = ""
    if quote.discount.amount:
        source = t("discount-group") if str(quote.discount_source) == "group" else t("discount-promo", code=quote.promo_code or "")
        discount = t("summary-discount", source=source, amount=money(quote.discount))
    refusal = t(f"promo-refused-{quote.promo_refusal}") if quote.promo_refusal else ""
    summary = t(
        "summary",
        title=clip(movie.title, 60),
        time=clock(showtime.starts_at, zone),
        date=showtime.starts_at.astimezone(zone).strftime("%d.%m."),
        hall=hall.name,
        lines=lines,
        discount=discount,
        total=money(quote.total),
        vat=money(quote.vat),
        rate=f"{quote.vat_basis_points / 100:g}",
        until=clock(datetime.now(timezone.utc) + timedelta(milliseconds=selection.remaining_ms), zone),
        refusal=refusal,
    )
    return {"lost": False, "summary": summary}


async def on_checkout(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
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
        return
    except (HoldLost, SeatsUnavailable):
        say(manager, t("hold-lost"), alert=True)
        await manager.switch_to(Booking.seats)
        return
    except (SalesClosed, NotFound):
        say(manager, t("sales-closed"), alert=True)
        await manager.switch_to(Booking.showtimes)
        return
    data["booking_id"] = booking.id
    await watch_selection(manager, data["showtime_id"], 0)
    await manager.switch_to(Booking.reserved)


async def reserved_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    t = texts(dialog_manager)
    svc = services(dialog_manager)
    view = await svc.bookings.get_for_customer(dialog_manager.dialog_data["booking_id"], user_id(dialog_manager))
    booking = view.booking
    awaiting = booking.status is BookingStatus.AWAITING_PAYMENT
    key = "reserved" if awaiting else "booking-now"
    return {
        "reserved": t(
            key,
            number=booking.id,
            title=clip(view.movie.title, 60),
            seats=", ".join(booking.seat_codes),
            total=money(booking.total),
            until=deadline(booking.expires_at, svc.policy.zone),
            status=t(f"status-{booking.status}"),
        ),
        **pay_flags(svc, booking, dialog_manager.dialog_data.get("pay_url", "")),
    }


async def _to_pay_window(manager: DialogManager) -> None:
    await manager.switch_to(Booking.pay)


tickets_window = Window(
    T("tickets-title"),
    T("tickets-proof", when="proof"),
    Column(Select(Format("{item[1]}"), id="k", item_id_getter=lambda i: i[0], items="tickets", on_click=on_ticket)),
    Row(
        Back(T("button-back"), id="kb"),
        SwitchTo(T("button-promo"), id="kp", state=Booking.promo),
        SwitchTo(T("button-continue"), id="kn", state=Booking.summary),
    ),
    state=Booking.tickets,
    getter=tickets_getter,
)

promo_window = Window(
    T("promo-ask"),
    MessageInput(on_promo),
    Row(
        SwitchTo(T("button-back"), id="pb", state=Booking.tickets),
        Button(T("button-no-promo"), id="pn", on_click=on_no_promo),
    ),
    state=Booking.promo,
)

summary_window = Window(
    Format("{summary}"),
    Row(
        SwitchTo(T("button-back"), id="yb", state=Booking.tickets),
        SwitchTo(T("button-promo"), id="yp", state=Booking.promo, when=lambda d, *_: not d.get("lost")),
    ),
    Button(T("button-checkout"), id="yc", on_click=on_checkout, when=lambda d, *_: not d.get("lost")),
    SwitchTo(T("button-seats"), id="ys", state=Booking.seats, when="lost"),
    state=Booking.summary,
    getter=summary_getter,
)

reserved_window = Window(
    Format("{reserved}"),
    pay_row("p", after=_to_pay_window),
    state=Booking.reserved,
    getter=reserved_getter,
)

pay_window = Window(
    Format("{reserved}"),
    T("pay-open", when="can_pay"),  # once paid (or lapsed) the instructions go
    open_link("p"),
    SwitchTo(T("button-back"), id="pb", state=Booking.reserved),
    state=Booking.pay,
    getter=reserved_getter,
)
