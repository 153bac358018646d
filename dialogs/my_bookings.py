"""My bookings: upcoming and past, the details of one, cancellation."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, ShowMode, Window
from aiogram_dialog.widgets.kbd import Back, Button, Cancel, Column, Row, ScrollingGroup, Select, SwitchTo
from aiogram_dialog.widgets.text import Format

from dialogs.answers import say
from dialogs.booking_card import cancel_question, card_text
from dialogs.context import services, texts, user_id
from dialogs.formatting import clip, clock, day_label
from dialogs.i18n import T
from dialogs.movies import movie_title
from dialogs.paying import open_link, pay_flags, pay_row
from dialogs.states import MyBookings
from domain.booking import BookingStatus
from domain.errors import CancellationNotAllowed, NotFound, PaymentProviderDown
from domain.links import parse_id
from domain.services.bookings import BookingView


def _label(view: BookingView, manager: DialogManager) -> str:
    t = texts(manager)
    zone = services(manager).policy.zone
    local = view.showtime.starts_at.astimezone(zone)
    return clip(
        t(
            "booking-button",
            number=view.booking.id,
            title=movie_title(view.movie, t),
            date=day_label(local, t),
            time=clock(view.showtime.starts_at, zone),
            status=t(f"status-{view.booking.status}"),
        ),
        64,
    )


async def list_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    upcoming, past = await services(dialog_manager).bookings.my_bookings(user_id(dialog_manager))
    past_state = dialog_manager.current_context().state == MyBookings.past
    views = past if past_state else upcoming
    return {"bookings": [(str(v.booking.id), _label(v, dialog_manager)) for v in views], "empty": not views}


async def on_booking(callback: CallbackQuery, _w: Any, manager: DialogManager, booking_id: int | None) -> None:
    if booking_id is None:  # not an id of ours (parse_id refused it)
        say(manager, texts(manager)("error-forged"))
        return
    manager.dialog_data["booking_id"] = booking_id
    manager.dialog_data.pop("pay_url", None)  # another booking's link is not this one's
    await manager.switch_to(MyBookings.detail)


async def detail_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    t = texts(dialog_manager)
    svc = services(dialog_manager)
    try:
        view = await svc.bookings.get_for_customer(dialog_manager.dialog_data["booking_id"], user_id(dialog_manager))
    except NotFound:
        return {"detail": t("booking-gone"), "cancellable": False}
    b = view.booking
    detail = card_text(view, t, svc.policy.zone)
    cancellable = b.status in (BookingStatus.AWAITING_PAYMENT, BookingStatus.PAID)
    invoiced = b.paid_at is not None and dialog_manager.middleware_data.get("invoice_delivery") is not None
    # Once cancelled or refunded, the tickets are void: only the cancellation
    # invoice is offered, never "show the QR code at the door".
    voided = b.status in (BookingStatus.CANCELLED, BookingStatus.REFUNDED)
    # Awaiting payment: pay again from here (a cancelled or closed pay page leads back here).
    paying = pay_flags(svc, b, dialog_manager.dialog_data.get("pay_url", ""))
    return {
        "detail": detail,
        "cancellable": cancellable,
        "invoiced": invoiced and not voided,
        "cancellation_invoiced": invoiced and voided,
        "question": cancel_question(view, t, svc.policy.zone) if cancellable else "",
        **paying,
    }


async def on_invoice(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    """The invoice (and a cancellation invoice) again, as documents in the chat."""
    await _resend(callback, manager, only_cancellations=False)


async def on_cancellation_invoice(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    """A cancelled booking's cancellation invoice: its tickets are void, so not them."""
    await _resend(callback, manager, only_cancellations=True)


async def _resend(callback: CallbackQuery, manager: DialogManager, only_cancellations: bool) -> None:
    t = texts(manager)
    delivery = manager.middleware_data.get("invoice_delivery")
    if delivery is None:
        say(manager, t("invoice-not-ready"), alert=True)
        return
    try:
        sent = await delivery.resend(
            manager.dialog_data["booking_id"], callback.from_user.id, only_cancellations=only_cancellations
        )
    except NotFound:
        say(manager, t("booking-gone"), alert=True)
        return
    say(manager, t("invoice-resent") if sent else t("invoice-not-ready"), alert=not sent)
    # The documents now sit below the menu: show the menu again underneath them.
    manager.show_mode = ShowMode.SEND


async def on_cancel(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    t = texts(manager)
    try:
        result = await services(manager).bookings.cancel(manager.dialog_data["booking_id"], callback.from_user.id)
    except CancellationNotAllowed as exc:
        minutes = exc.params.get("minutes")
        say(manager, t("cancel-too-late", hours=minutes // 60) if minutes else t("cancel-not-possible"), alert=True)
        await manager.switch_to(MyBookings.detail)
        return
    except NotFound:
        say(manager, t("booking-gone"), alert=True)
        await manager.switch_to(MyBookings.upcoming)
        return
    payments = services(manager).payments
    if result.refund_due and payments is not None:
        try:
            refunds = await payments.refund_booking(result.booking.id)
        except PaymentProviderDown:
            # The booking is cancelled and its seats are free; the refund is owed
            # and is retried by reconciliation.
            say(manager, t("cancel-done-refund-later"), alert=True)
            await manager.switch_to(MyBookings.detail)
            return
        if refunds.needs_staff:  # refused by the provider, or charged back
            say(manager, t("cancel-done-refund-staff"), alert=True)
            await manager.switch_to(MyBookings.detail)
            return
    say(manager, t("cancel-done-refund" if result.refund_due else "cancel-done"), alert=True)
    await manager.switch_to(MyBookings.detail)


async def on_start(start_data: Any, manager: DialogManager) -> None:
    # A deep link back from a payment page opens that booking's details directly.
    if isinstance(start_data, dict) and isinstance(start_data.get("booking_id"), int):
        manager.dialog_data["booking_id"] = start_data["booking_id"]


def my_bookings_dialog() -> Dialog:
    def listing(widget_id: str) -> Select:
        return Select(
            Format("{item[1]}"), id=widget_id, item_id_getter=lambda i: i[0], items="bookings", on_click=on_booking,
            type_factory=parse_id,  # callback data is untrusted: a bounded id or None
        )

    return Dialog(
        Window(
            T("mine-upcoming"),
            T("mine-empty", when="empty"),
            ScrollingGroup(listing("ku"), id="bu", width=1, height=6, hide_on_single_page=True),
            Row(Cancel(T("button-menu")), SwitchTo(T("button-past"), id="tp", state=MyBookings.past)),
            state=MyBookings.upcoming,
            getter=list_getter,
        ),
        Window(
            T("mine-past"),
            T("mine-empty", when="empty"),
            ScrollingGroup(listing("kp"), id="bp", width=1, height=6, hide_on_single_page=True),
            Row(Cancel(T("button-menu")), SwitchTo(T("button-upcoming"), id="tu", state=MyBookings.upcoming)),
            state=MyBookings.past,
            getter=list_getter,
        ),
        Window(
            Format("{detail}"),
            pay_row("y"),  # ids yc, yp, yu: free in this dialog; the link shows on this card
            open_link("y"),
            Column(
                Button(T("button-invoice"), id="di", on_click=on_invoice, when="invoiced"),
                Button(T("button-cancellation-invoice"), id="dx", on_click=on_cancellation_invoice, when="cancellation_invoiced"),
                SwitchTo(T("button-cancel-booking"), id="dc", state=MyBookings.confirm_cancel, when="cancellable"),
            ),
            SwitchTo(T("button-back"), id="db", state=MyBookings.upcoming),
            state=MyBookings.detail,
            getter=detail_getter,
        ),
        Window(
            Format("{question}"),
            Row(
                Back(T("button-no"), id="cn"),
                Button(T("button-yes-cancel"), id="cy", on_click=on_cancel),
            ),
            state=MyBookings.confirm_cancel,
            getter=detail_getter,
        ),
        on_start=on_start,
    )
