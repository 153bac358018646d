"""The Stripe sandbox's pay page says what Checkout would: in the session's
`locale`, with the shop's `custom_text` beside the pay button, and both
parameters checked with Stripe's errors. Every request goes through the official SDK."""

from __future__ import annotations

import pytest
import stripe

from playground.payments.client import PaymentsClient
from tests.playground.stripe_support import (  # noqa: F401 (fixtures)
    Sandbox,
    clock_fixture,
    control_fixture,
    sandbox_fixture,
    sdk_fixture,
    session_params,
)


async def test_the_page_speaks_the_sessions_locale_with_the_shops_words(
        sandbox: Sandbox, sdk: stripe.StripeClient, control: PaymentsClient) -> None:
    session = await sdk.v1.checkout.sessions.create_async(session_params(
        sandbox.clock, locale="ru",
        custom_text={"submit": {"message": "Оплатите до 18:30 CET"}, "after_submit": {"message": "Спасибо!"},
                     "terms_of_service_acceptance": ""}))
    assert session.locale == "ru"
    assert session.custom_text.submit.message == "Оплатите до 18:30 CET"
    assert session.custom_text.after_submit.message == "Спасибо!"
    assert session.custom_text.terms_of_service_acceptance is None  # "" is none
    page = await control.stripe_page(session.id)
    assert '<html lang="ru">' in page and ">Оплатить<" in page and ">Отмена<" in page and ">Итого<" in page
    assert "25,00\xa0€" in page and "28,50\xa0€" in page  # 2 × 12.50, then with the 3.50 fee
    assert page.index("Оплатите до 18:30 CET") < page.index(">Оплатить<")  # beside the button, before it
    assert "UTC" not in page  # Checkout shows no expiry of its own

    german = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock, locale="de"))
    page = await control.stripe_page(german.id)
    assert ">Bezahlen<" in page and "28,50\xa0€" in page
    chosen_by_browser = await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock, locale="auto"))
    assert "28.50 EUR" in await control.stripe_page(chosen_by_browser.id)


async def test_locale_and_custom_text_are_checked_as_stripe_checks_them(
        sandbox: Sandbox, sdk: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as unknown_locale:
        await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock, locale="ru-RU"))
    assert unknown_locale.value.param == "locale"
    assert unknown_locale.value.user_message.startswith("Invalid locale: must be one of auto, bg, cs,")
    assert unknown_locale.value.user_message.endswith(", zh-HK, or zh-TW")

    too_long = {"submit": {"message": "x" * 1201}}
    with pytest.raises(stripe.InvalidRequestError) as long_text:
        await sdk.v1.checkout.sessions.create_async(session_params(sandbox.clock, custom_text=too_long))
    assert long_text.value.param == "custom_text[submit][message]"
    assert "at most 1200 characters" in long_text.value.user_message
    ok = await sdk.v1.checkout.sessions.create_async(
        session_params(sandbox.clock, custom_text={"submit": {"message": "x" * 1200}}))
    assert len(ok.custom_text.submit.message) == 1200

    with pytest.raises(stripe.InvalidRequestError) as unknown_place:
        await sdk.v1.checkout.sessions.create_async(
            session_params(sandbox.clock, custom_text={"footer": {"message": "hi"}}))
    assert unknown_place.value.code == "parameter_unknown" and unknown_place.value.param == "custom_text[footer]"
    with pytest.raises(stripe.InvalidRequestError) as empty:
        await sdk.v1.checkout.sessions.create_async(
            session_params(sandbox.clock, custom_text={"submit": {"message": ""}}))
    assert empty.value.code == "parameter_invalid_empty" and empty.value.param == "custom_text[submit][message]"
