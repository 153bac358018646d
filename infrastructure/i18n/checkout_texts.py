"""The words of the providers' pay pages, in the customer's language: the
CheckoutTexts port of domain/payments.py over the Fluent messages (pay_pages.ftl)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from domain.formats import time_with_zone
from infrastructure.i18n.fluent import Translator
from infrastructure.i18n.ticket_types import ticket_type_name


class TranslatedCheckoutTexts:
    def __init__(self, translator: Translator) -> None:
        self.translator = translator

    def line(self, locale: str, title: str, seat: str, ticket_type: str) -> str:
        kind = ticket_type_name(self.translator, locale, ticket_type)
        return self.translator.get(locale, "pay-line", title=title, seat=seat, type=kind)

    def description(self, locale: str, title: str, booking_id: int) -> str:
        return self.translator.get(locale, "pay-description", title=title, booking=str(booking_id))

    def deadline(self, locale: str, deadline: datetime, zone: str) -> str:
        # The zone is named: a pay page is read wherever the customer is, and the
        # provider's own page would otherwise leave them to guess.
        return self.translator.get(locale, "pay-deadline", time=time_with_zone(deadline, ZoneInfo(zone)))
