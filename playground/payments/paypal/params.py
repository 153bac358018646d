"""Reading PayPal request bodies (JSON) with PayPal's validation errors.

Decimal strings become minor units exactly (money.parse_decimal), never floats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playground.payments.money import AmountError, paypal_digits, parse_decimal
from playground.payments.paypal.errors import PayPalError
from playground.payments.paypal.items import ItemSpec, items

_CURRENCY = re.compile(r"^[A-Z]{3}$")
# PayPal's `language`: ISO 639 language, optional script, optional ISO 3166 region ("ru-RU").
_LOCALE = re.compile(r"^[a-z]{2}(?:-[A-Z][a-z]{3})?(?:-[A-Z]{2})?$")
MAX_UNITS = 10


@dataclass(frozen=True)
class UnitSpec:
    reference_id: str
    currency: str
    amount: int
    description: str | None
    custom_id: str | None
    invoice_id: str | None
    soft_descriptor: str | None
    extra: dict[str, Any] = field(default_factory=dict)
    items: list[ItemSpec] = field(default_factory=list)


@dataclass(frozen=True)
class OrderSpec:
    units: list[UnitSpec]
    return_url: str | None
    cancel_url: str | None
    brand_name: str | None
    payer_action: bool
    locale: str | None = None


@dataclass(frozen=True)
class RefundSpec:
    amount: int | None
    currency: str | None
    note_to_payer: str | None
    custom_id: str | None
    invoice_id: str | None


def order_spec(body: Any) -> OrderSpec:
    if not isinstance(body, dict):
        raise PayPalError.invalid("/", "MALFORMED_REQUEST_JSON")
    intent = body.get("intent")
    if intent is None:
        raise PayPalError.invalid("/intent", "MISSING_REQUIRED_PARAMETER")
    if intent != "CAPTURE":
        raise PayPalError.invalid("/intent", "INVALID_PARAMETER_VALUE", intent,
                                  "The playground PayPal sandbox supports intent CAPTURE only."
                                  if intent == "AUTHORIZE" else None)
    units_raw = body.get("purchase_units")
    if units_raw is None:
        raise PayPalError.invalid("/purchase_units", "MISSING_REQUIRED_PARAMETER")
    if not isinstance(units_raw, list) or not 1 <= len(units_raw) <= MAX_UNITS:
        raise PayPalError.invalid("/purchase_units", "INVALID_PARAMETER_VALUE")
    units = [_unit(raw, i) for i, raw in enumerate(units_raw)]
    references = [u.reference_id for u in units]
    if len(set(references)) != len(references):
        raise PayPalError.unprocessable("DUPLICATE_REFERENCE_ID",
                                        "reference_id must be unique if multiple purchase_units "
                                        "are provided.")

    # The older application_context, or the newer payment_source.paypal.experience_context.
    context: Any = body.get("application_context") or {}
    where = "/application_context"
    source = body.get("payment_source")
    payer_action = False
    if source is not None:
        if not isinstance(source, dict) or set(source) - {"paypal"}:
            raise PayPalError.invalid("/payment_source", "INVALID_PARAMETER_VALUE", None,
                                      "The playground PayPal sandbox supports payment_source.paypal only.")
        paypal = source.get("paypal") or {}
        if not isinstance(paypal, dict):
            raise PayPalError.invalid("/payment_source/paypal", "INVALID_PARAMETER_SYNTAX")
        context = paypal.get("experience_context") or context
        where = "/payment_source/paypal/experience_context"
        payer_action = True
    if not isinstance(context, dict):
        raise PayPalError.invalid(where, "INVALID_PARAMETER_SYNTAX")
    return OrderSpec(
        units=units,
        return_url=_url(context, "return_url", where),
        cancel_url=_url(context, "cancel_url", where),
        brand_name=_text(context, "brand_name", where, 127),
        payer_action=payer_action,
        locale=_locale(context, where),
    )


def refund_spec(body: Any) -> RefundSpec:
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise PayPalError.invalid("/", "MALFORMED_REQUEST_JSON")
    amount = currency = None
    if body.get("amount") is not None:
        currency, amount = _amount(body["amount"], "/amount")
        if amount <= 0:
            raise PayPalError.invalid("/amount/value", "INVALID_PARAMETER_VALUE",
                                      body["amount"].get("value"))
    return RefundSpec(amount, currency, _text(body, "note_to_payer", "", 255),
                      _text(body, "custom_id", "", 127), _text(body, "invoice_id", "", 127))


def _unit(raw: Any, index: int) -> UnitSpec:
    where = f"/purchase_units/{index}"
    if not isinstance(raw, dict):
        raise PayPalError.invalid(where, "INVALID_PARAMETER_SYNTAX")
    if "amount" not in raw:
        raise PayPalError.invalid(f"{where}/amount", "MISSING_REQUIRED_PARAMETER")
    currency, amount = _amount(raw["amount"], f"{where}/amount")
    if amount <= 0:
        raise PayPalError.invalid(f"{where}/amount/value", "INVALID_PARAMETER_VALUE",
                                  raw["amount"].get("value"))
    extra: dict[str, Any] = {}
    if isinstance(raw["amount"].get("breakdown"), dict):
        extra["breakdown"] = raw["amount"]["breakdown"]
    if isinstance(raw.get("items"), list):
        extra["items"] = raw["items"]
    return UnitSpec(
        reference_id=_text(raw, "reference_id", where, 256) or "default",
        currency=currency,
        amount=amount,
        description=_text(raw, "description", where, 127),
        custom_id=_text(raw, "custom_id", where, 127),
        invoice_id=_text(raw, "invoice_id", where, 127),
        soft_descriptor=_text(raw, "soft_descriptor", where, 22),
        extra=extra,
        items=items(raw.get("items"), raw, currency, amount, where, _amount),
    )


def _amount(raw: Any, where: str) -> tuple[str, int]:
    if not isinstance(raw, dict):
        raise PayPalError.invalid(where, "INVALID_PARAMETER_SYNTAX")
    currency = raw.get("currency_code")
    if currency is None:
        raise PayPalError.invalid(f"{where}/currency_code", "MISSING_REQUIRED_PARAMETER")
    if not isinstance(currency, str) or not _CURRENCY.match(currency):
        raise PayPalError.invalid(f"{where}/currency_code", "INVALID_PARAMETER_SYNTAX", currency)
    value = raw.get("value")
    if value is None:
        raise PayPalError.invalid(f"{where}/value", "MISSING_REQUIRED_PARAMETER")
    if not isinstance(value, str) or len(value) > 32:
        # PayPal wants a string; a JSON number would already have been a float.
        raise PayPalError.invalid(f"{where}/value", "INVALID_PARAMETER_SYNTAX", value)
    try:
        return currency, parse_decimal(value, paypal_digits(currency))
    except AmountError as error:
        raise PayPalError.invalid(f"{where}/value", error.issue, value) from None


def _text(raw: dict[str, Any], key: str, where: str, max_length: int) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= max_length:
        raise PayPalError.invalid(f"{where}/{key}", "INVALID_STRING_LENGTH"
                                  if isinstance(value, str) else "INVALID_PARAMETER_SYNTAX", value,
                                  f"The value of {key} must be 1 to {max_length} characters.")
    return value


def _locale(raw: dict[str, Any], where: str) -> str | None:
    value = raw.get("locale")
    if value is None:
        return None
    if not isinstance(value, str) or not 2 <= len(value) <= 10 or not _LOCALE.match(value):
        raise PayPalError.invalid(f"{where}/locale", "INVALID_PARAMETER_SYNTAX", value)
    return value


def _url(raw: dict[str, Any], key: str, where: str) -> str | None:
    value = _text(raw, key, where, 4000)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise PayPalError.invalid(f"{where}/{key}", "INVALID_PARAMETER_SYNTAX", value)
    return value
