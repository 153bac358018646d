"""Showing money, dates and times to a customer, in their language."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from dialogs.context import Texts
from domain.money import Money, decimal_text

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "RUB": "₽"}


def money(value: Money) -> str:
    """With the currency's own decimals: "6.00 €", "1500 JPY", "1.500 KWD"."""
    sign = "−" if value.amount < 0 else ""
    symbol = SYMBOLS.get(value.currency, value.currency)
    return f"{sign}{decimal_text(abs(value.amount), value.currency)} {symbol}"


def day_label(day: date, t: Texts) -> str:
    return t("date-short", weekday=t(f"weekday-{day.weekday()}"), day=day.day, month=t(f"month-{day.month}"))


def clock(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


def deadline(moment: datetime, zone: ZoneInfo) -> str:
    """A time to pay by, with its zone ("16:45 CET"): the one deadline the customer
    is shown, wherever they read it from."""
    return moment.astimezone(zone).strftime("%H:%M %Z")


def clip(text: str, limit: int) -> str:
    """Cut a text to ``limit`` characters with an ellipsis (Telegram's limits)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
