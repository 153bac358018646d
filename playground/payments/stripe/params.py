"""Reading Stripe request parameters (nested strings) with Stripe's errors.

`session_spec` checks POST /v1/checkout/sessions; `refund_spec` POST /v1/refunds.
Unknown parameters are refused as Stripe refuses them; parameters Stripe knows but
the sandbox does not model are either accepted and ignored (cosmetic ones) or
refused with a clear "not supported" (ones that would change amounts or flow).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Mapping
from urllib.parse import urlsplit

from playground.payments.money import stripe_three_decimal
from playground.payments.stripe import page_params
from playground.payments.stripe.errors import StripeError

MIN_EXPIRY = 30 * 60
MAX_EXPIRY = 24 * 60 * 60
MAX_UNIT_AMOUNT = 99_999_999

_SESSION_MODELLED = {
    "mode", "line_items", "success_url", "cancel_url", "client_reference_id", "metadata",
    "expires_at", "customer_email", "payment_intent_data", "expand", "locale",
    "payment_method_types", "custom_text",
}
# Accepted and ignored: they change how Stripe's page looks, not what is paid.
_SESSION_IGNORED = {
    "allow_promotion_codes", "billing_address_collection", "submit_type",
    "phone_number_collection", "customer_creation", "consent_collection",
    "invoice_creation", "automatic_tax", "tax_id_collection", "shipping_address_collection",
    "after_expiration", "payment_method_options", "custom_fields",
    "payment_method_collection", "ui_mode", "currency",
}
_SESSION_UNSUPPORTED = {
    "customer", "customer_update", "discounts", "shipping_options", "subscription_data",
    "setup_intent_data", "return_url", "payment_method_configuration", "payment_link",
    "redirect_on_completion", "saved_payment_method_options",
}
_INTENT_MODELLED = {"metadata", "description"}
_INTENT_IGNORED = {"statement_descriptor", "statement_descriptor_suffix", "receipt_email",
                   "setup_future_usage", "shipping", "transfer_group"}
_PRODUCT_FIELDS = {"name", "description", "images", "metadata", "tax_code"}
_PRICE_FIELDS = {"currency", "unit_amount", "unit_amount_decimal", "product_data",
                 "tax_behavior", "product", "recurring"}
_LINE_FIELDS = {"price_data", "quantity", "price", "adjustable_quantity", "tax_rates",
                "dynamic_tax_rates"}
_REFUND_FIELDS = {"payment_intent", "charge", "amount", "metadata", "reason", "expand",
                  "instructions_email"}
_REFUND_REASONS = ("duplicate", "fraudulent", "requested_by_customer")
# The pay page can pay by card and by SEPA Direct Debit (which settles later).
PAYMENT_METHODS = ("card", "sepa_debit")
# Types Stripe knows that the sandbox cannot pay with: refused as unsupported rather
# than offered on a page that could not complete them.
_OTHER_METHODS = (
    "acss_debit", "affirm", "afterpay_clearpay", "alipay", "amazon_pay", "au_becs_debit",
    "bacs_debit", "bancontact", "blik", "boleto", "cashapp", "customer_balance", "eps",
    "fpx", "giropay", "grabpay", "ideal", "klarna", "konbini", "link", "mobilepay",
    "multibanco", "oxxo", "p24", "paynow", "paypal", "pix", "promptpay", "revolut_pay",
    "sofort", "swish", "twint", "us_bank_account", "wechat_pay", "zip",
)
# SEPA Direct Debit collects euros only.
_METHOD_CURRENCIES = {"sepa_debit": ("eur",)}
_CURRENCY = re.compile(r"^[a-z]{3}$")


@dataclass(frozen=True)
class LineSpec:
    name: str
    description: str | None
    currency: str
    unit_amount: int
    quantity: int


@dataclass(frozen=True)
class SessionSpec:
    line_items: list[LineSpec]
    currency: str
    expires_at: int
    success_url: str | None = None
    cancel_url: str | None = None
    client_reference_id: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    customer_email: str | None = None
    locale: str | None = None
    intent_metadata: dict[str, str] = field(default_factory=dict)
    intent_description: str | None = None
    payment_method_types: tuple[str, ...] = ("card",)
    custom_text: dict[str, str] = field(default_factory=dict)  # place -> message


@dataclass(frozen=True)
class RefundSpec:
    payment_intent: str | None
    charge: str | None
    amount: int | None
    metadata: dict[str, str]
    reason: str | None


def session_spec(params: Mapping[str, Any], now: int) -> SessionSpec:
    _known(params, _SESSION_MODELLED | _SESSION_IGNORED | _SESSION_UNSUPPORTED, "")
    for name in _SESSION_UNSUPPORTED:
        if name in params:
            raise StripeError.unsupported(name)
    if params.get("ui_mode", "hosted") != "hosted":
        raise StripeError.unsupported("ui_mode")

    mode = _string(params, "mode", "mode", required=True)
    if mode not in ("payment", "setup", "subscription"):
        raise StripeError.invalid("mode", "Invalid mode: must be one of payment, setup, or subscription")
    if mode != "payment":
        raise StripeError.invalid("mode", f"The playground Stripe sandbox supports mode=payment only, not {mode}.")

    raw_items = params.get("line_items")
    if raw_items is None:
        raise StripeError.missing("line_items")
    if not isinstance(raw_items, list) or not raw_items:
        raise StripeError.invalid("line_items", "Invalid array", code="parameter_invalid_empty")
    items = [_line_item(item, f"line_items[{i}]") for i, item in enumerate(raw_items)]
    currencies = {item.currency for item in items}
    if len(currencies) > 1:
        raise StripeError.invalid("line_items", "All line items must use the same currency; "
                                  f"got {', '.join(sorted(currencies))}.")
    methods = _payment_method_types(params.get("payment_method_types"), items[0].currency)

    expires_at = now + MAX_EXPIRY
    if "expires_at" in params:
        expires_at = _integer(params["expires_at"], "expires_at")
        if expires_at - now < MIN_EXPIRY:
            raise StripeError.invalid("expires_at", "The `expires_at` timestamp must be at "
                                      "least 30 minutes from Checkout Session creation.")
        if expires_at - now > MAX_EXPIRY:
            raise StripeError.invalid("expires_at", "The `expires_at` timestamp must be less "
                                      "than 24 hours from Checkout Session creation.")

    intent = params.get("payment_intent_data", {})
    if not isinstance(intent, dict):
        raise StripeError.invalid("payment_intent_data", "Invalid hash")
    _known(intent, _INTENT_MODELLED | _INTENT_IGNORED | {"capture_method"}, "payment_intent_data")
    if intent.get("capture_method", "automatic") not in ("automatic", "automatic_async"):
        raise StripeError.unsupported("payment_intent_data[capture_method]")

    return SessionSpec(
        line_items=items,
        currency=items[0].currency,
        expires_at=expires_at,
        success_url=_url(params, "success_url"),
        cancel_url=_url(params, "cancel_url"),
        client_reference_id=_string(params, "client_reference_id", "client_reference_id",
                                    max_length=200),
        metadata=metadata(params.get("metadata"), "metadata"),
        customer_email=_string(params, "customer_email", "customer_email"),
        locale=page_params.locale(params),
        intent_metadata=metadata(intent.get("metadata"), "payment_intent_data[metadata]"),
        intent_description=_string(intent, "description", "payment_intent_data[description]"),
        payment_method_types=methods,
        custom_text=page_params.custom_text(params.get("custom_text")),
    )


def _payment_method_types(value: Any, currency: str) -> tuple[str, ...]:
    """`payment_method_types[]`; ["card"] when absent (the sandbox's account default)."""
    if value is None:
        return ("card",)
    if not isinstance(value, list) or not value:
        raise StripeError.invalid("payment_method_types", "Invalid array",
                                  code="parameter_invalid_empty")
    methods: list[str] = []
    for i, method in enumerate(value):
        name = f"payment_method_types[{i}]"
        if not isinstance(method, str) or method not in PAYMENT_METHODS + _OTHER_METHODS:
            raise StripeError.invalid(name, f"Invalid {name}: must be one of "
                                      f"{', '.join(PAYMENT_METHODS + _OTHER_METHODS)}")
        if method not in PAYMENT_METHODS:
            raise StripeError.unsupported(f"{name}={method}")
        allowed = _METHOD_CURRENCIES.get(method)
        if allowed is not None and currency not in allowed:
            raise StripeError.invalid(name, f"The currency provided ({currency}) is invalid. "
                                      f"Payments with {method} support the following "
                                      f"currencies: {', '.join(allowed)}.")
        if method not in methods:
            methods.append(method)
    return tuple(methods)


def refund_spec(params: Mapping[str, Any]) -> RefundSpec:
    _known(params, _REFUND_FIELDS, "")
    payment_intent = _string(params, "payment_intent", "payment_intent")
    charge = _string(params, "charge", "charge")
    if not payment_intent and not charge:
        raise StripeError.invalid("payment_intent", "One of `charge` or `payment_intent` is required.",
                                  code="parameter_missing")
    amount = None
    if params.get("amount") not in (None, ""):
        amount = _integer(params["amount"], "amount")
        if amount <= 0:
            raise StripeError.invalid("amount", "Refund amount must be greater than zero.",
                                      code="amount_too_small")
    reason = _string(params, "reason", "reason")
    if reason is not None and reason not in _REFUND_REASONS:
        raise StripeError.invalid("reason", "Invalid reason: must be one of "
                                  "duplicate, fraudulent, or requested_by_customer")
    return RefundSpec(payment_intent, charge, amount, metadata(params.get("metadata"), "metadata"),
                      reason)


def expand_list(params: Mapping[str, Any]) -> set[str]:
    value = params.get("expand")
    if value is None:
        return set()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise StripeError.invalid("expand", "Invalid array")
    return set(value)


def list_limit(params: Mapping[str, Any]) -> int:
    if params.get("limit") in (None, ""):
        return 10
    limit = _integer(params["limit"], "limit")
    if not 1 <= limit <= 100:
        raise StripeError.invalid("limit", "This value must be between 1 and 100.")
    return limit


def metadata(value: Any, name: str) -> dict[str, str]:
    """Stripe's limits: 50 keys, keys up to 40 characters, values up to 500."""
    if value in (None, ""):  # an empty string clears metadata at Stripe
        return {}
    if not isinstance(value, dict):
        raise StripeError.invalid(name, "Invalid hash")
    if len(value) > 50:
        raise StripeError.invalid(name, "Metadata can have at most 50 keys.")
    result: dict[str, str] = {}
    for key, item in value.items():
        if not isinstance(item, str):
            raise StripeError.invalid(f"{name}[{key}]", "Metadata values must be strings.")
        if len(key) > 40:
            raise StripeError.invalid(f"{name}[{key}]", "Metadata keys can be at most 40 characters.")
        if len(item) > 500:
            raise StripeError.invalid(f"{name}[{key}]", "Metadata values can be at most 500 characters.")
        result[key] = item
    return result


def _line_item(raw: Any, name: str) -> LineSpec:
    if not isinstance(raw, dict):
        raise StripeError.invalid(name, "Invalid hash")
    _known(raw, _LINE_FIELDS, name)
    if "price" in raw:
        raise StripeError.no_such("price", str(raw["price"]), f"{name}[price]")
    for extra in ("adjustable_quantity", "tax_rates", "dynamic_tax_rates"):
        if extra in raw:
            raise StripeError.unsupported(f"{name}[{extra}]")
    price = raw.get("price_data")
    if price is None:
        raise StripeError.invalid(name, f"You must specify either `price` or `price_data` in {name}.",
                                  code="parameter_missing")
    if not isinstance(price, dict):
        raise StripeError.invalid(f"{name}[price_data]", "Invalid hash")
    where = f"{name}[price_data]"
    _known(price, _PRICE_FIELDS, where)
    if "recurring" in price:
        raise StripeError.invalid(f"{where}[recurring]", "You must be in `subscription` mode "
                                  "to use recurring prices.")
    if "product" in price:
        raise StripeError.no_such("product", str(price["product"]), f"{where}[product]")
    currency = (_string(price, "currency", f"{where}[currency]", required=True) or "").lower()
    if not _CURRENCY.match(currency):
        raise StripeError.invalid(f"{where}[currency]", f"Invalid currency: {currency}.")
    unit_amount = _unit_amount(price, where, currency)
    product = price.get("product_data")
    if product is None:
        raise StripeError.missing(f"{where}[product_data]")
    if not isinstance(product, dict):
        raise StripeError.invalid(f"{where}[product_data]", "Invalid hash")
    _known(product, _PRODUCT_FIELDS, f"{where}[product_data]")
    product_name = _string(product, "name", f"{where}[product_data][name]", required=True) or ""
    if "quantity" not in raw:
        raise StripeError.missing(f"{name}[quantity]")
    quantity = _integer(raw["quantity"], f"{name}[quantity]")
    if not 1 <= quantity <= 999_999:
        raise StripeError.invalid(f"{name}[quantity]", "Quantity must be between 1 and 999999.")
    return LineSpec(product_name,
                    _string(product, "description", f"{where}[product_data][description]"),
                    currency, unit_amount, quantity)


def _unit_amount(price: Mapping[str, Any], where: str, currency: str) -> int:
    if "unit_amount" in price and "unit_amount_decimal" in price:
        raise StripeError.invalid(f"{where}[unit_amount]", "You may only specify one of these "
                                  "parameters: unit_amount, unit_amount_decimal.",
                                  code="parameters_exclusive")
    if "unit_amount_decimal" in price:
        # Whole minor units only: Checkout charges integers anyway.
        value = str(price["unit_amount_decimal"])
        if not re.fullmatch(r"\d+(\.0+)?", value):
            raise StripeError.unsupported(f"{where}[unit_amount_decimal] with a fraction of a minor unit")
        amount = int(value.split(".")[0])
    elif "unit_amount" in price:
        amount = _integer(price["unit_amount"], f"{where}[unit_amount]")
    else:
        raise StripeError.missing(f"{where}[unit_amount]")
    if not 0 <= amount <= MAX_UNIT_AMOUNT:
        raise StripeError.invalid(f"{where}[unit_amount]",
                                  f"This value must be between 0 and {MAX_UNIT_AMOUNT}.")
    three_decimal(amount, currency, f"{where}[unit_amount]")
    return amount


def three_decimal(amount: int, currency: str, param: str) -> None:
    """Stripe's rule for BHD, JOD, KWD, OMR and TND: the amount must be divisible by 10."""
    if stripe_three_decimal(currency) and amount % 10:
        raise StripeError.invalid(param, f"Invalid amount: {amount}. Amounts in {currency} "
                                  "(a three-decimal currency) must be divisible by 10.")


def _known(params: Mapping[str, Any], allowed: set[str], prefix: str) -> None:
    for key in params:
        if key not in allowed:
            raise StripeError.unknown(f"{prefix}[{key}]" if prefix else key)


def _string(params: Mapping[str, Any], key: str, name: str, *, required: bool = False,
            max_length: int | None = None) -> str | None:
    value = params.get(key)
    if value is None or value == "":
        if required:
            raise StripeError.missing(name)
        return None
    if not isinstance(value, str):
        raise StripeError.invalid(name, f"Invalid string: {value!r}")
    if max_length is not None and len(value) > max_length:
        raise StripeError.invalid(name, f"This value must be at most {max_length} characters.")
    return value


def _integer(value: Any, name: str) -> int:
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    raise StripeError.invalid_integer(name, value)


def _url(params: Mapping[str, Any], key: str) -> str | None:
    value = _string(params, key, key)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise StripeError.invalid(key, "Not a valid URL", code="url_invalid")
    return value
