"""What the workers do for each job: thin, over the services. Every job is
idempotent; raising makes Dramatiq retry it with backoff."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import TelegramForbiddenError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from domain.invoices import InvoiceDelivery
from domain.jobs import Jobs
from domain.services.invoice_delivery import InvoiceDeliveryService
from domain.services.invoices import InvoiceService
from domain.services.jobs import OutboxSweeper, ReminderService
from handlers.booking_expiry import BookingExpirySweeper
from infrastructure.i18n.fluent import Translator
from domain.hall import seat_name

log = logging.getLogger(__name__)
REMINDERS_OFF = "rmd:off"  # callback data of the reminder's opt-out button

Languages = Callable[[int], Awaitable["str | None"]]


@dataclass
class JobHandlers:
    bot: Bot
    translator: Translator
    language_of: Languages
    invoices: InvoiceService
    delivery: InvoiceDeliveryService
    expiry: BookingExpirySweeper
    reminders: ReminderService
    outbox: OutboxSweeper

    def table(self) -> dict[str, Callable[..., Awaitable[Any]]]:
        return {
            Jobs.ISSUE_INVOICE: self.issue_invoice,
            Jobs.CANCEL_INVOICE: self.cancel_invoice,
            Jobs.EXPIRE_BOOKINGS: self.expire_bookings,
            Jobs.SEND_REMINDERS: self.send_reminders,
            Jobs.SWEEP_OUTBOX: self.outbox.sweep,
        }

    async def issue_invoice(self, booking_id: int) -> None:
        invoice = await self.invoices.issue(booking_id)
        if invoice is not None and invoice.id is not None:
            await self._delivered(self.delivery.deliver(invoice.id, announce=self._confirm_payment))

    async def _confirm_payment(self, delivery: InvoiceDelivery) -> None:
        """"Paid" from the same sender as the invoice, just before it: sent from the
        webhook instead, it could arrive after the PDF."""
        locale = await self.language_of(delivery.customer_id) or self.translator.default
        text = self.translator.get(locale, "payment-confirmed", number=delivery.booking_id)
        await self.bot.send_message(delivery.customer_id, text)

    async def cancel_invoice(self, booking_id: int) -> None:
        if await self.invoices.cancel(booking_id) is not None:
            # The original goes first if its own job has not run yet.
            await self._delivered(self.delivery.deliver_all(booking_id))

    async def _delivered(self, delivery: Awaitable[object]) -> None:
        try:
            await delivery
        except TelegramForbiddenError:
            # Blocked by the customer: retrying cannot help. The invoices stay
            # stored; My bookings offers them when they come back.
            log.warning("invoices not delivered: the customer blocked the bot")

    async def expire_bookings(self) -> None:
        await self.expiry.sweep()

    async def send_reminders(self) -> None:
        for view in await self.reminders.claim_due():
            chat = view.booking.customer_id
            locale = await self.language_of(chat) or self.translator.default
            t = self.translator
            starts = view.showtime.starts_at.astimezone(self.reminders.d.policy.zone)
            text = t.get(
                locale,
                "reminder-text",
                movie=view.movie.title_in(locale),
                time=starts.strftime("%H:%M"),
                hall=view.hall_name,
                seats=", ".join(seat_name(c) for c in view.booking.seat_codes),
                number=view.booking.id or 0,
            )
            off = InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text=t.get(locale, "reminder-button-off"), callback_data=REMINDERS_OFF)]]
            )
            try:
                await self.bot.send_message(chat, text, reply_markup=off)
            except Exception:  # noqa: BLE001 - one blocked chat must not stop the others
                log.warning("could not remind customer %s of booking %s", chat, view.booking.id)
