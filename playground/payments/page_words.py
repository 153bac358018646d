"""The hosted pages' own words and amounts in the language the shop asked for.

Stripe Checkout (`locale`) and PayPal (`experience_context.locale`) show their
pages in the buyer's language; the stand-ins do the same for the words the real
pages have (total, pay, cancel) in English, German and Russian, English for any
other. The playground's test controls (pay late, decline, settle) are not on the
real pages and stay English. Amounts follow the language through CLDR (Babel), as
the real pages write them: "€12.50", "12,50 €"; without a language, the neutral
"12.50 EUR" the sandbox has always shown.
"""

from __future__ import annotations

from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency

from playground.payments.money import display

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "total": "Total", "pay": "Pay", "cancel": "Cancel", "back": "Back", "paid": "Paid. Thank you!",
        "expired": "This Checkout Session has expired.", "continue": "Continue",
        "approve": "Approve", "pay-with-paypal": "Pay with PayPal", "pay-to": "Pay {brand}",
    },
    "de": {
        "total": "Gesamt", "pay": "Bezahlen", "cancel": "Abbrechen", "back": "Zurück",
        "paid": "Bezahlt. Vielen Dank!", "expired": "Diese Checkout-Sitzung ist abgelaufen.",
        "continue": "Weiter", "approve": "Zustimmen", "pay-with-paypal": "Mit PayPal bezahlen",
        "pay-to": "An {brand} zahlen",
    },
    "ru": {
        "total": "Итого", "pay": "Оплатить", "cancel": "Отмена", "back": "Назад", "paid": "Оплачено. Спасибо!",
        "expired": "Срок этой сессии оплаты истёк.", "continue": "Продолжить",
        "approve": "Подтвердить", "pay-with-paypal": "Оплатить через PayPal", "pay-to": "Оплата: {brand}",
    },
}


def language(locale: str | None) -> str:
    """The page's language for a locale ("ru", "ru-RU", "pt-BR", "auto", None)."""
    base = (locale or "").replace("_", "-").split("-")[0].lower()
    return base if base in _WORDS else "en"


def word(locale: str | None, key: str, **values: str) -> str:
    return _WORDS[language(locale)][key].format(**values)


def amount(minor: int, currency: str, digits: int, locale: str | None) -> str:
    """``minor`` units of ``currency`` with ``digits`` decimals, as a page in
    ``locale`` shows them; the neutral form without a locale (or with "auto")."""
    if not locale or locale == "auto":
        return display(minor, currency, digits)
    try:
        cldr = Locale.parse(locale.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return display(minor, currency, digits)
    return format_currency(Decimal(minor).scaleb(-digits), currency.upper(), locale=cldr)
