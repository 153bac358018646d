"""Start-time checks: public defaults next to real services, the webhook secret,
providers whose webhooks could not be verified; secrets never shown."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.preflight import provider_problems, public_default_problems, real_services, webhook_secret_problems
from bot.settings import PUBLIC_DEFAULTS, Settings

STAND_IN = "http://127.0.0.1:8080"


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)


def test_the_playground_stand_ins_accept_the_public_defaults():
    s = settings(telegram_api_url=STAND_IN, stripe_api_url=STAND_IN, paypal_api_url=STAND_IN)
    assert real_services(s) == [] and public_default_problems(s) == []


def test_defaults_reach_the_real_services_and_every_public_default_is_named():
    s = settings()
    assert real_services(s) == ["Telegram", "Stripe", "PayPal"]
    problems = public_default_problems(s)
    assert len(problems) == len(PUBLIC_DEFAULTS)
    assert all(default not in line for line in problems for default in PUBLIC_DEFAULTS.values())


@pytest.mark.parametrize(
    ("field", "url", "service"),
    [("telegram_api_url", "https://api.telegram.org", "Telegram"),
     ("stripe_api_url", "https://api.stripe.com", "Stripe"),
     ("paypal_api_url", "https://api-m.paypal.com", "PayPal")],
)
def test_one_real_service_is_enough_to_refuse_the_defaults(field, url, service):
    urls = {"telegram_api_url": STAND_IN, "stripe_api_url": STAND_IN, "paypal_api_url": STAND_IN, field: url}
    s = settings(**urls)
    assert real_services(s) == [service]
    assert len(public_default_problems(s)) == len(PUBLIC_DEFAULTS)
    own = settings(**urls, **{k: f"own-{k}" for k in PUBLIC_DEFAULTS})
    assert public_default_problems(own) == []


def test_a_look_alike_host_is_not_the_real_service():
    s = settings(telegram_api_url="https://api.telegram.org.evil.example", stripe_api_url=STAND_IN,
                 paypal_api_url=STAND_IN)
    assert real_services(s) == []


def test_webhook_secret_missing_short_or_good():
    assert "not set" in webhook_secret_problems(settings())[0]
    assert "too short" in webhook_secret_problems(settings(webhook_secret="a" * 15))[0]
    assert webhook_secret_problems(settings(webhook_secret="a" * 16)) == []


def test_a_malformed_webhook_secret_is_refused_without_repeating_it():
    with pytest.raises(ValidationError) as caught:
        settings(webhook_secret="not allowed: spaces")
    assert "not allowed: spaces" not in str(caught.value)


def test_a_configured_provider_needs_its_webhook_credentials():
    assert provider_problems(settings()) == []
    problems = provider_problems(settings(stripe_webhook_secret="", paypal_webhook_id=""))
    assert [p.split()[0] for p in problems] == ["CINEBOOKER_STRIPE_WEBHOOK_SECRET", "CINEBOOKER_PAYPAL_WEBHOOK_ID"]
    # No provider credentials: nothing to verify.
    assert provider_problems(settings(stripe_secret_key="", stripe_webhook_secret="", paypal_client_secret="",
                                      paypal_webhook_id="")) == []


def test_secrets_stay_out_of_reprs_and_dumps():
    secret_values = {"bot_token": "42:very-secret-token", "webhook_secret": "hook-secret-abcdefgh",
                     "stripe_secret_key": "sk_live_secret", "stripe_webhook_secret": "whsec_secret",
                     "paypal_client_secret": "paypal-secret-value"}
    s = settings(**secret_values)
    shown = repr(s) + str(s) + s.model_dump_json()
    assert not any(value in shown for value in secret_values.values())
