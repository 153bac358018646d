"""Tells the customer what became of a payment, and refreshes their open dialog."""

from __future__ import annotations

from aiogram import Bot
from aiogram_dialog.api.protocols import BgManagerFactory

from domain.formats import money_text
from domain.services.payments import SettleOutcome, SettleResult
from handlers.language import LanguageStore
from handlers.refresh import dialog_refresher
from infrastructure.i18n.fluent import Translator

# "Paid" is not here: the worker says it just before the invoice (handlers/jobs.py),
# so it can never come after the PDF. The card is refreshed here all the same.
NOTICES = {
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

    async def __call__(self, result: SettleResult, refresh: bool = True) -> None:
        """Tell the customer; ``refresh`` False when the caller shows the card
        itself (back from a pay page), so no background edit races it."""
        if result.customer_id is None:
            return
        chat = result.customer_id  # bookings are made in the customer's private chat
        key = NOTICES.get(result.outcome)
        if key is not None:
            locale = await self.languages.of_customer(chat) or self.translator.default
            amounts = {
                "paid": money_text(result.paid, locale) if result.paid else "?",
                "due": money_text(result.due, locale) if result.due else "?",
            }
            text = self.translator.get(locale, key, number=result.booking_id or 0, **amounts)
            await self.bot.send_message(chat, text)
        if refresh:
            await dialog_refresher(self.bot, self.bg)(chat)
