"""The customer's language as Stripe's and PayPal's pay pages take it."""

from __future__ import annotations

import pytest

from infrastructure.payments.locales import paypal_locale, stripe_locale


@pytest.mark.parametrize(
    ("ours", "stripe", "paypal"),
    [
        ("ru", "ru", "ru-RU"),
        ("en", "en", "en-US"),
        ("de", "de", "de-DE"),
        ("pt-br", "pt-BR", "pt-BR"),  # a region Stripe has a page for
        ("pt_PT", "pt", "pt-PT"),  # one it has not: the language's page
        ("en-GB", "en-GB", "en-GB"),
        ("es-419", "es-419", "es-ES"),  # PayPal takes letters only as a region: the likely one
        ("uk", "auto", "uk-UA"),  # Stripe has no Ukrainian page: the browser's language
        ("xx", "auto", None),
        ("", "auto", None),
    ],
)
def test_each_provider_gets_a_tag_it_accepts(ours: str, stripe: str, paypal: str | None) -> None:
    assert stripe_locale(ours) == stripe
    assert paypal_locale(ours) == paypal
