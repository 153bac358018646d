"""The customer's language as each provider's pay page takes it.

The bot's locales are Fluent folder names ("en", "ru", maybe "pt-br"); Stripe
Checkout takes a short list of its own tags, PayPal a BCP 47 language with its
region ("ru-RU"). A language the provider does not know is not sent as it is:
Stripe gets "auto" (the browser's language), PayPal nothing (the same).
"""

from __future__ import annotations

from babel.core import get_global, parse_locale

# Stripe API reference, Checkout Session `locale` (stripe-python 16's type hints list the same).
STRIPE_LOCALES = frozenset({
    "bg", "cs", "da", "de", "el", "en", "en-GB", "es", "es-419", "et", "fi", "fil", "fr", "fr-CA",
    "hi-IN", "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "mt", "nb", "nl", "pl", "pt",
    "pt-BR", "ro", "ru", "sk", "sl", "sv", "th", "tr", "vi", "zh", "zh-HK", "zh-TW",
})
STRIPE_AUTO = "auto"


def _parts(locale: str) -> tuple[str, str | None]:
    """("pt", "BR") for "pt-br", "pt_BR" or "pt-BR"; ("ru", None) for "ru"."""
    language, _, region = locale.replace("_", "-").partition("-")
    return language.lower(), (region.upper() if region.isalpha() else region) or None


def stripe_locale(locale: str) -> str:
    """The tag itself when Stripe knows it ("pt-BR"), else its language ("ru" for
    "ru-RU"), else "auto"."""
    language, region = _parts(locale)
    for tag in (f"{language}-{region}" if region else None, language):
        if tag in STRIPE_LOCALES:
            return tag
    return STRIPE_AUTO


def paypal_locale(locale: str) -> str | None:
    """Language and region as PayPal's pages take them: the region given, else
    the one CLDR finds most likely for the language ("ru" -> "ru-RU", "en" ->
    "en-US"); None for a language CLDR does not know."""
    language, region = _parts(locale)
    if not language.isalpha() or len(language) != 2:
        return None
    if region is None or not (len(region) == 2 and region.isalpha()):
        likely = get_global("likely_subtags").get(language)
        if likely is None:
            return None
        region = parse_locale(likely)[1]
    return f"{language}-{region}" if region else None
