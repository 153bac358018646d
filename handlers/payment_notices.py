"""Tells the customer what became of a payment, and refreshes their open dialog."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram_dialog.api.protocols import BgManagerFactory

from dialogs.formatting import money
from domain.services.payments import SettleOutcome, SettleResult
from handlers.language import LanguageStore
from infrastructure.i18n.fluent import Translator

log = logging.getLogger(__name__)
NOTICES = {
    SettleOutcome.PAID: "payment-confirmed",
    SettleOutcome.LATE_PAID: "payment-confirmed",
    SettleOutcome.REFUNDED: "payment-refunded",
    SettleOutcome.REFUND_PENDING: "payment-refunded",
    SettleOutcome.MISMATCH_REFUNDED: "payment-mismatch-refunded",
    SettleOutcome.MISMATCH_REFUSED: "payment-mismatch-refused",
    SettleOutcome.PROCESSING: "payment-processing",
    SettleOutcome.FAILED: "payment-failed",
    SettleOutcome.REFUND_FAILED: "refund-failed",
}


class PaymentNotifier:
    def __init__(self, bot: Bot, translator: Translator, languages: LanguageStore, bg: BgManagerFactory) -> None:
        self.bot, self.translator, self.languages, self.bg = bot, translator, languages, bg

    async def __call__(self, result: SettleResult) -> None:
        key = NOTICES.get(result.outcome)
        if key is None or result.customer_id is None:
            return
        chat = result.customer_id  # bookings are made in the customer's private chat
        locale = await self.languages.of_customer(chat) or self.translator.default
        amounts = {"paid": money(result.paid) if result.paid else "?", "due": money(result.due) if result.due else "?"}
        await self.bot.send_message(chat, self.translator.get(locale, key, number=result.booking_id or 0, **amounts))
        try:
            await self.bg.bg(self.bot, chat, chat).update({})
        except Exception:  # noqa: BLE001 - no open dialog to refresh is fine
            log.debug("no dialog to refresh for customer %s", chat)
