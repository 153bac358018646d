"""Showing money, dates and times to a customer, in their language (the formats
themselves live in domain/formats.py, shared with the worker and the PDF)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dialogs.context import Texts
from domain.formats import day_text, money_text, time_text, time_with_zone
from domain.money import Money
from infrastructure.i18n.ticket_types import ticket_type_name


def money(value: Money, t: Texts) -> str:
    """"€6.00" for an English reader, "6,00 €" for a Russian one."""
    return money_text(value, t.locale)


def day_label(day: date | datetime, t: Texts, zone: ZoneInfo | None = None) -> str:
    return day_text(day, t.locale, zone)


def clock(moment: datetime, zone: ZoneInfo) -> str:
    return time_text(moment, zone)


def deadline(moment: datetime, zone: ZoneInfo) -> str:
    """A time to pay by, with its zone ("16:45 CET"): the one deadline the customer
    is shown, wherever they read it from."""
    return time_with_zone(moment, zone)


def ticket_name(code: str, t: Texts) -> str:
    """A ticket type by the one rule of infrastructure/i18n/ticket_types.py: its
    translation, else the catalog's code (never a bare message id)."""
    return ticket_type_name(t.translator, t.locale, code)


def clip(text: str, limit: int) -> str:
    """Cut a text to ``limit`` characters with an ellipsis (Telegram's limits)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
