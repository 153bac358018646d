"""Paying a booking from any card that shows it (the booking flow's, My bookings'):
one pay button per provider this installation has credentials for, and the link
to the provider's page once asked for. Pressing again gives the still-open link."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Button, Row, Url
from aiogram_dialog.widgets.text import Format

from dialogs.answers import say
from dialogs.context import AppServices, services, texts
from dialogs.formatting import money
from dialogs.i18n import T
from domain.booking import Booking, BookingStatus
from domain.errors import NotFound, PaymentNotPossible, PaymentProviderDown, ProviderRefused
from domain.payments import PaymentProvider, Refusal


def pay_flags(svc: AppServices, booking: Booking, pay_url: str = "") -> dict[str, Any]:
    """What a booking's card offers for paying (for its getter)."""
    awaiting = booking.status is BookingStatus.AWAITING_PAYMENT
    gateways = svc.payments.gateways if svc.payments is not None else {}
    return {
        "can_pay": awaiting and bool(gateways),
        "can_pay_card": awaiting and PaymentProvider.STRIPE in gateways,
        "can_pay_paypal": awaiting and PaymentProvider.PAYPAL in gateways,
        "pay_url": pay_url if awaiting else "",
    }


async def start_payment(callback: CallbackQuery, manager: DialogManager, provider: PaymentProvider) -> str | None:
    """The provider's page for the booking in ``dialog_data["booking_id"]``, or None
    with the reason said to the customer."""
    t = texts(manager)
    svc = services(manager)
    if svc.payments is None:
        say(manager, t("payment-unavailable"), alert=True)
        return None
    try:
        payment = await svc.payments.start(manager.dialog_data["booking_id"], callback.from_user.id, provider)
    except PaymentProviderDown:
        say(manager, t("payment-unavailable"), alert=True)
        return None
    except (PaymentNotPossible, NotFound) as exc:
        busy = exc.params.get("status") == "processing"  # a bank is settling a payment
        say(manager, t("payment-in-progress" if busy else "payment-not-possible"), alert=True)
        return None
    except ProviderRefused as exc:
        minimum = exc.params.get("minimum")
        small = exc.reason == Refusal.AMOUNT_TOO_SMALL and minimum is not None
        say(manager, t("pay-too-small", minimum=money(minimum, t)) if small else t("pay-refused"), alert=True)
        return None
    manager.dialog_data["pay_url"] = payment.url
    return payment.url


AfterLink = Callable[[DialogManager], Awaitable[None]]


def pay_row(prefix: str, after: AfterLink | None = None) -> Row:
    """The two pay buttons; ``prefix`` keeps widget ids unique within a dialog, and
    ``after`` runs once the link is there (the booking flow moves to its pay window)."""

    def pay_with(provider: PaymentProvider) -> Any:
        async def on_click(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
            if await start_payment(callback, manager, provider) is not None and after is not None:
                await after(manager)

        return on_click

    return Row(
        Button(T("button-pay-card"), id=f"{prefix}c", on_click=pay_with(PaymentProvider.STRIPE), when="can_pay_card"),
        Button(
            T("button-pay-paypal"), id=f"{prefix}p", on_click=pay_with(PaymentProvider.PAYPAL), when="can_pay_paypal"
        ),
    )


def open_link(prefix: str) -> Url:
    """The provider's page, once a pay button was pressed."""
    return Url(T("button-open-payment"), Format("{pay_url}"), id=f"{prefix}u", when="pay_url")
