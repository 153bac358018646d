"""Money, days and times as a reader of a locale writes them, through CLDR (Babel).

The one home of display formats: the chat, the notices the worker sends, the PDF and
the pay pages all call these, so a date reads the same on every screen ("Thu 3 Dec"
in English, "чт 3 дек." in Russian) and money follows the locale ("€6.00", "6,00 €").
A time a customer might read from elsewhere carries the cinema's zone ("18:30 CET").
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_percent

from domain.money import Money, exponent

DAY = "EEE d MMM"  # the one day style, in each locale's words and order
SHORT_DAY = "EEE d"  # a day among the next few, on a narrow button
DAY_WITH_YEAR = "d MMM y"  # documents (an invoice's date) need the year
FALLBACK = "en"


@lru_cache(maxsize=64)
def _locale(code: str) -> Locale:
    """A Babel locale for a bot locale code ("ru", "pt-br"); English for unknown ones."""
    try:
        return Locale.parse(code.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return Locale.parse(FALLBACK)


def money_text(value: Money, locale: str) -> str:
    """With the currency's own decimals and the locale's symbol placement: "€6.00",
    "6,00 €", "¥1,500". A negative amount (a discount) keeps its minus sign."""
    amount = Decimal(value.amount).scaleb(-exponent(value.currency))
    return format_currency(amount, value.currency, locale=_locale(locale))


def percent_text(basis_points: int, locale: str) -> str:
    """A rate in basis points with only the decimals it has: 2000 -> "20%" / "20 %",
    1925 -> "19.25%" / "19,25 %" (a VAT rate on an invoice)."""
    return format_percent(Decimal(basis_points).scaleb(-4), locale=_locale(locale), decimal_quantization=False)


def day_text(day: date | datetime, locale: str, zone: ZoneInfo | None = None) -> str:
    """A day as every screen shows it: "Thu 3 Dec" / "чт 3 дек."; a moment is read in
    ``zone`` (the cinema's) first."""
    if isinstance(day, datetime):
        day = day.astimezone(zone).date() if zone else day.date()
    return format_date(day, DAY, locale=_locale(locale))


def short_day_text(day: date, locale: str) -> str:
    """A day of the coming week on a narrow button: "Fri 5" / "пт 5"."""
    return format_date(day, SHORT_DAY, locale=_locale(locale))


def document_day(day: date | datetime, locale: str, zone: ZoneInfo | None = None) -> str:
    """A document's date, with its year: "3 Dec 2026" / "3 дек. 2026 г."."""
    if isinstance(day, datetime):
        day = day.astimezone(zone).date() if zone else day.date()
    return format_date(day, DAY_WITH_YEAR, locale=_locale(locale))


def time_text(moment: datetime, zone: ZoneInfo) -> str:
    """A clock time at the cinema: 24-hour in every locale the bot speaks."""
    return moment.astimezone(zone).strftime("%H:%M")


def zone_text(moment: datetime, zone: ZoneInfo) -> str:
    """The zone's abbreviation at that moment ("CET", "CEST"); its offset where the
    zone has no letters ("+03")."""
    return moment.astimezone(zone).strftime("%Z")


def time_with_zone(moment: datetime, zone: ZoneInfo) -> str:
    """"18:30 CET": for a deadline or a show time read where the clock may differ."""
    return f"{time_text(moment, zone)} {zone_text(moment, zone)}"


def moment_text(moment: datetime, zone: ZoneInfo, locale: str, with_zone: bool = False) -> str:
    """A day and a time: "Thu 3 Dec, 18:30" (with the zone when asked)."""
    clock = time_with_zone(moment, zone) if with_zone else time_text(moment, zone)
    return f"{day_text(moment, locale, zone)}, {clock}"
