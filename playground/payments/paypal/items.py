"""A purchase unit's items, read with PayPal's rules: each needs a name, a whole
quantity and a unit amount in the unit's currency; with items, the breakdown's
item_total must be given and equal their sum, and the amount must equal the
breakdown. PayPal's approval page lists the items, so the stand-in's does too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from playground.payments.paypal.errors import PayPalError

_QUANTITY = re.compile(r"^[1-9][0-9]{0,9}$")
CATEGORIES = ("DIGITAL_GOODS", "PHYSICAL_GOODS", "DONATION")
TEXT_MAX = 127
# What the amount must equal, by sign: PayPal's breakdown fields.
_ADDED = ("item_total", "tax_total", "shipping", "handling", "insurance")
_TAKEN = ("shipping_discount", "discount")

Amount = Callable[[Any, str], tuple[str, int]]  # (raw money, field) -> (currency, minor units)


@dataclass(frozen=True)
class ItemSpec:
    name: str
    quantity: int
    unit_amount: int
    description: str | None = None


def items(raw: Any, unit: dict[str, Any], currency: str, total: int, where: str, amount: Amount) -> list[ItemSpec]:
    """The unit's items ([] without), after PayPal's checks of them and of the
    breakdown against ``total`` (the unit's amount, in minor units)."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise PayPalError.invalid(f"{where}/items", "INVALID_PARAMETER_SYNTAX")
    parsed = [_item(item, f"{where}/items/{i}", currency, amount) for i, item in enumerate(raw)]
    breakdown = unit["amount"].get("breakdown")
    if parsed and not (isinstance(breakdown, dict) and "item_total" in breakdown):
        raise PayPalError.unprocessable(
            "ITEM_TOTAL_REQUIRED", "If item details are specified (items.unit_amount and items.quantity) "
            "corresponding amount.breakdown.item_total is required.")
    if isinstance(breakdown, dict):
        parts = {name: _money(breakdown[name], f"{where}/amount/breakdown/{name}", currency, amount)
                 for name in _ADDED + _TAKEN if name in breakdown}
        if parsed and parts["item_total"] != sum(i.unit_amount * i.quantity for i in parsed):
            raise PayPalError.unprocessable(
                "ITEM_TOTAL_MISMATCH",
                "Should equal sum of (unit_amount * quantity) across all items for a given purchase_unit.")
        if total != sum(parts.get(n, 0) for n in _ADDED) - sum(parts.get(n, 0) for n in _TAKEN):
            raise PayPalError.unprocessable(
                "AMOUNT_MISMATCH", "Should equal item_total + tax_total + shipping + handling + insurance "
                "- shipping_discount - discount.")
    return parsed


def _item(raw: Any, where: str, currency: str, amount: Amount) -> ItemSpec:
    if not isinstance(raw, dict):
        raise PayPalError.invalid(where, "INVALID_PARAMETER_SYNTAX")
    for required in ("name", "quantity", "unit_amount"):
        if required not in raw:
            raise PayPalError.invalid(f"{where}/{required}", "MISSING_REQUIRED_PARAMETER")
    name = _text(raw, "name", where)
    quantity = raw["quantity"]
    if not isinstance(quantity, str) or not _QUANTITY.match(quantity):
        raise PayPalError.invalid(f"{where}/quantity", "INVALID_PARAMETER_SYNTAX", quantity)
    category = raw.get("category")
    if category is not None and category not in CATEGORIES:
        raise PayPalError.invalid(f"{where}/category", "INVALID_PARAMETER_VALUE", category)
    unit_amount = _money(raw["unit_amount"], f"{where}/unit_amount", currency, amount)
    return ItemSpec(name or "", int(quantity), unit_amount, _text(raw, "description", where, min_length=0))


def _money(raw: Any, where: str, currency: str, amount: Amount) -> int:
    code, minor = amount(raw, where)
    if code != currency:
        raise PayPalError.unprocessable("CURRENCY_MISMATCH", "Currency code should be the same "
                                        "across all amounts in a purchase unit.")
    return minor


def _text(raw: dict[str, Any], key: str, where: str, min_length: int = 1) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not min_length <= len(value) <= TEXT_MAX:
        raise PayPalError.invalid(f"{where}/{key}", "INVALID_STRING_LENGTH"
                                  if isinstance(value, str) else "INVALID_PARAMETER_SYNTAX", value,
                                  f"The value of {key} must be {min_length} to {TEXT_MAX} characters.")
    return value
