"""The PayPal sandbox's approval page says what PayPal's would: in the order's
`experience_context.locale`, with the purchase's description above its items; the
locale and the items are checked with PayPal's errors."""

from __future__ import annotations

from typing import Any

from playground.payments.client import PaymentsClient
from tests.playground import test_paypal_sandbox as sandbox_tests
from tests.playground.test_paypal_sandbox import CANCEL_URL, RETURN_URL, PayPal, order_body

# The sandbox module's fixtures, used here under their own names.
clock, paypal, control = sandbox_tests.clock, sandbox_tests.paypal, sandbox_tests.control


def with_items(locale: str | None = None, **unit: Any) -> dict[str, Any]:
    """A 22.00 EUR order of two tickets, through payment_source.paypal as the bot makes it."""
    body = order_body("22.00")
    del body["application_context"]
    context: dict[str, Any] = {"return_url": RETURN_URL, "cancel_url": CANCEL_URL, "brand_name": "CineBooker"}
    if locale is not None:
        context["locale"] = locale
    body["payment_source"] = {"paypal": {"experience_context": context}}
    body["purchase_units"][0].update({
        "description": "Оплатите до 18:30 CET · Дюна, бронь №7",
        "amount": {"currency_code": "EUR", "value": "22.00",
                   "breakdown": {"item_total": {"currency_code": "EUR", "value": "22.00"}}},
        "items": [
            {"name": "Дюна — F-3 (Взрослый)", "quantity": "1", "category": "DIGITAL_GOODS",
             "unit_amount": {"currency_code": "EUR", "value": "12.00"}},
            {"name": "Дюна — F-4 (Студенческий)", "quantity": "1", "description": "студенческий билет",
             "unit_amount": {"currency_code": "EUR", "value": "10.00"}},
        ],
        **unit,
    })
    return body


async def test_the_approval_page_speaks_the_orders_locale_and_lists_the_items(
        paypal: PayPal, control: PaymentsClient) -> None:
    status, order = await paypal.call("POST", "/v2/checkout/orders", json=with_items("ru-RU"))
    assert status in (200, 201), order
    page = await control.paypal_page(order["id"])
    assert '<html lang="ru">' in page and "Оплата: CineBooker" in page
    assert ">Подтвердить<" in page and ">Отмена<" in page and ">Итого<" in page
    assert "Оплатите до 18:30 CET · Дюна, бронь №7" in page
    assert "Дюна — F-3 (Взрослый) × 1" in page and "12,00\xa0€" in page and "22,00\xa0€" in page
    assert "Дюна — F-4 (Студенческий) × 1 — студенческий билет" in page

    status, english = await paypal.call("POST", "/v2/checkout/orders", json=with_items())
    page = await control.paypal_page(english["id"])
    assert '<html lang="en">' in page and ">Approve<" in page and "22.00 EUR" in page  # no locale: as before


async def test_locale_and_items_are_checked_as_paypal_checks_them(paypal: PayPal) -> None:
    for bad in ("russian", "ru_RU", "RU-ru", "r"):
        status, error = await paypal.call("POST", "/v2/checkout/orders", json=with_items(bad))
        assert status == 400 and error["name"] == "INVALID_REQUEST", bad
        assert error["details"][0]["field"] == "/payment_source/paypal/experience_context/locale"
        assert error["details"][0]["issue"] == "INVALID_PARAMETER_SYNTAX"
    status, _ = await paypal.call("POST", "/v2/checkout/orders", json=with_items("zh-Hant-TW"))
    assert status in (200, 201)  # a script between language and region is allowed

    wrong_sum = with_items(amount={"currency_code": "EUR", "value": "22.00",
                                   "breakdown": {"item_total": {"currency_code": "EUR", "value": "21.00"}}})
    status, error = await paypal.call("POST", "/v2/checkout/orders", json=wrong_sum)
    assert status == 422 and error["details"][0]["issue"] == "ITEM_TOTAL_MISMATCH"
    no_total = with_items(amount={"currency_code": "EUR", "value": "22.00"})
    status, error = await paypal.call("POST", "/v2/checkout/orders", json=no_total)
    assert status == 422 and error["details"][0]["issue"] == "ITEM_TOTAL_REQUIRED"
    long_name = with_items()
    long_name["purchase_units"][0]["items"][0]["name"] = "x" * 128
    status, error = await paypal.call("POST", "/v2/checkout/orders", json=long_name)
    assert status == 400 and error["details"][0]["issue"] == "INVALID_STRING_LENGTH"
    assert error["details"][0]["field"] == "/purchase_units/0/items/0/name"
