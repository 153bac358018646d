"""Checks before a process starts serving: nothing runs with a secret anyone can read.

`serve` needs a webhook secret (Telegram sends it in X-Telegram-Bot-Api-Secret-Token,
and every replica behind one URL must know the same one, so it is configured, never
made up per process). Wherever a real service is reached (Telegram, Stripe or PayPal
at their own addresses), no credential may keep the playground's published default.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import SecretStr

from bot.settings import PUBLIC_DEFAULTS, Settings

MIN_WEBHOOK_SECRET = 16
MAKE_SECRET = "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
# Hosts of the real services; any other address is a stand-in (the playground).
_REAL_HOSTS = {
    "Telegram": ("api.telegram.org",),
    "Stripe": ("stripe.com",),
    "PayPal": ("paypal.com",),
}


def _env(field: str) -> str:
    return f"CINEBOOKER_{field.upper()}"


def _is_real(url: str, hosts: tuple[str, ...]) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in hosts)


def real_services(settings: Settings) -> list[str]:
    """The real services these settings reach (an empty provider URL means the real one)."""
    from infrastructure.payments.paypal_gateway import PAYPAL_SANDBOX_URL

    urls = {
        "Telegram": settings.telegram_api_url,
        "Stripe": settings.stripe_api_url or "https://api.stripe.com",
        "PayPal": settings.paypal_api_url or PAYPAL_SANDBOX_URL,
    }
    return [name for name, url in urls.items() if _is_real(url, _REAL_HOSTS[name])]


def _value(settings: Settings, field: str) -> str:
    value = getattr(settings, field)
    return value.get_secret_value() if isinstance(value, SecretStr) else str(value)


def public_default_problems(settings: Settings) -> list[str]:
    """One line per credential still at its public default, when a real service is
    reached; none otherwise (the playground's stand-ins accept its defaults)."""
    real = real_services(settings)
    if not real:
        return []
    return [
        f"{_env(field)} still holds the playground's public default, and this process reaches the real "
        f"{' and '.join(real)}: set your own value"
        for field, default in PUBLIC_DEFAULTS.items()
        if _value(settings, field) == default
    ]


def webhook_secret_problems(settings: Settings) -> list[str]:
    secret = settings.webhook_secret.get_secret_value()
    if not secret:
        return [
            f"{_env('webhook_secret')} is not set: `serve` accepts Telegram updates only with it; make one with "
            f"{MAKE_SECRET} and give every replica the same value"
        ]
    if len(secret) < MIN_WEBHOOK_SECRET:
        return [
            f"{_env('webhook_secret')} is too short to be secret (at least {MIN_WEBHOOK_SECRET} characters); "
            f"make one with {MAKE_SECRET}"
        ]
    return []


def provider_problems(settings: Settings) -> list[str]:
    """A configured provider whose webhooks could not be verified."""
    problems = []
    if settings.stripe_secret_key.get_secret_value() and not settings.stripe_webhook_secret.get_secret_value():
        problems.append(
            f"{_env('stripe_webhook_secret')} is empty while Stripe is configured: set the endpoint's signing "
            "secret (whsec_...) from the Stripe Dashboard, or leave CINEBOOKER_STRIPE_SECRET_KEY empty"
        )
    if settings.paypal_client_secret.get_secret_value() and settings.paypal_client_id and not settings.paypal_webhook_id:
        problems.append(
            f"{_env('paypal_webhook_id')} is empty while PayPal is configured: set the webhook's id from the "
            "PayPal developer dashboard, or leave CINEBOOKER_PAYPAL_CLIENT_SECRET empty"
        )
    return problems
