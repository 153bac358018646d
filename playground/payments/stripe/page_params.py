"""The Checkout Session parameters that shape what its hosted page says, read as
Stripe reads them: `locale` (the page's language) and `custom_text` (the shop's
own words beside the pay button and elsewhere).
"""

from __future__ import annotations

from typing import Any, Mapping

from playground.payments.stripe.errors import StripeError

# The languages Checkout's page speaks (Stripe API reference, Checkout Session `locale`).
CHECKOUT_LOCALES = (
    "auto", "bg", "cs", "da", "de", "el", "en", "en-GB", "es", "es-419", "et", "fi", "fil", "fr",
    "fr-CA", "hi-IN", "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "mt", "nb", "nl", "pl",
    "pt", "pt-BR", "ro", "ru", "sk", "sl", "sv", "th", "tr", "vi", "zh", "zh-HK", "zh-TW",
)
# Where custom text may stand; each takes {"message": ...} or "" (none).
CUSTOM_TEXT_PLACES = ("after_submit", "shipping_address", "submit", "terms_of_service_acceptance")
CUSTOM_TEXT_MAX = 1200


def locale(params: Mapping[str, Any]) -> str | None:
    value = params.get("locale")
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in CHECKOUT_LOCALES:
        listed = ", ".join(CHECKOUT_LOCALES[:-1]) + f", or {CHECKOUT_LOCALES[-1]}"
        raise StripeError.invalid("locale", f"Invalid locale: must be one of {listed}")
    return value


def custom_text(value: Any) -> dict[str, str]:
    """`custom_text` as {place: message}; a place given as "" has none."""
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise StripeError.invalid("custom_text", "Invalid hash")
    texts: dict[str, str] = {}
    for place, item in value.items():
        where = f"custom_text[{place}]"
        if place not in CUSTOM_TEXT_PLACES:
            raise StripeError.unknown(where)
        if item == "":
            continue
        if not isinstance(item, dict):
            raise StripeError.invalid(where, "Invalid hash")
        for key in item:
            if key != "message":
                raise StripeError.unknown(f"{where}[{key}]")
        message = item.get("message")
        if message is None:
            raise StripeError.missing(f"{where}[message]")
        if message == "":
            param = f"{where}[message]"
            raise StripeError.invalid(
                param, f"You passed an empty string for '{param}'. We assume empty values are an attempt to "
                f"unset a parameter; however '{param}' cannot be unset. You should remove '{param}' from "
                "your request or supply a non-empty value.", code="parameter_invalid_empty")
        if not isinstance(message, str):
            raise StripeError.invalid(f"{where}[message]", f"Invalid string: {message!r}")
        if len(message) > CUSTOM_TEXT_MAX:
            raise StripeError.invalid(f"{where}[message]",
                                      f"This value must be at most {CUSTOM_TEXT_MAX} characters.")
        texts[place] = message
    return texts


def custom_text_json(texts: Mapping[str, str]) -> dict[str, Any]:
    """As the session shows it: every place, null where there is no text."""
    return {place: ({"message": texts[place]} if place in texts else None) for place in CUSTOM_TEXT_PLACES}
