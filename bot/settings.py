"""Settings from the environment (prefix CINEBOOKER_) and a .env file.

With nothing set, CineBooker runs on its embedded default: SQLite, in-memory holds,
local files and the playground's stand-ins for Telegram, Stripe and PayPal.
"""

from __future__ import annotations

import re
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domain.money import is_currency

PLAYGROUND_TOKEN = "123456:PLAYGROUND-cinebooker-token"
# The playground's credentials: published in this repository, so they protect
# nothing. bot/preflight.py refuses them wherever a real service is reached.
PUBLIC_DEFAULTS = {
    "bot_token": PLAYGROUND_TOKEN,
    "stripe_secret_key": "sk_test_playground",
    "stripe_webhook_secret": "whsec_playground",
    "paypal_client_id": "playground-client",
    "paypal_client_secret": "playground-secret",
    "paypal_webhook_id": "WH-PLAYGROUND",
}
# Telegram's rule for setWebhook's secret_token.
WEBHOOK_SECRET_CHARS = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CINEBOOKER_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        # A refused value may be a secret: validation errors never repeat it.
        hide_input_in_errors=True,
    )

    bot_token: SecretStr = SecretStr(PLAYGROUND_TOKEN)
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = "sqlite+aiosqlite:///./var/cinebooker.db"
    redis_url: str = ""
    storage_url: str = "file://./var/storage"
    s3_endpoint_url: str = ""
    s3_create_bucket: bool = False  # create the bucket at start when it is missing
    public_url: str = "http://127.0.0.1:8080"
    webhook_secret: SecretStr = SecretStr("")  # `serve` refuses to start without one
    stripe_secret_key: SecretStr = SecretStr(PUBLIC_DEFAULTS["stripe_secret_key"])
    stripe_webhook_secret: SecretStr = SecretStr(PUBLIC_DEFAULTS["stripe_webhook_secret"])
    stripe_api_url: str = ""
    paypal_client_id: str = PUBLIC_DEFAULTS["paypal_client_id"]
    paypal_client_secret: SecretStr = SecretStr(PUBLIC_DEFAULTS["paypal_client_secret"])
    paypal_webhook_id: str = PUBLIC_DEFAULTS["paypal_webhook_id"]
    paypal_api_url: str = ""
    staff_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    hold_minutes: int = Field(10, ge=1, le=120)
    # Stripe sessions live the window plus 31 minutes and at most a day (stripe_gateway.py).
    payment_minutes: int = Field(15, ge=1, le=22 * 60)
    cancel_before_minutes: int = Field(120, ge=0)
    max_seats: int = Field(10, ge=1, le=50)
    timezone: str = "UTC"
    currency: str = "EUR"
    vat_rate: str = "7"  # percent, up to two decimals
    group_discount_min_tickets: int = Field(6, ge=0)
    group_discount_percent: str = "10"
    cache_dir: str = "./var/cache"  # rendered hall pictures
    seat_map_pictures: bool = True  # a picture of the whole hall beside the seat keyboard
    throttle_rate: float = Field(5.0, gt=0)  # updates a second one user may send, sustained
    throttle_burst: int = Field(15, ge=1)  # ...and in a burst
    # `serve` binds its port with SO_REUSEPORT: several `serve` processes on one
    # host and port, the kernel spreading connections between them.
    serve_reuse_port: bool = False
    seller_name: str = "CineBooker Cinema"  # the seller on invoices
    seller_address: str = ""
    seller_vat_id: str = ""
    invoice_prefix: str = Field("CB", pattern=r"^[A-Z0-9]{1,10}$")  # numbers: CB-2026-000001
    reminder_minutes: int = Field(120, ge=0, le=24 * 60)  # remind this long before the show; 0: never
    worker_threads: int = Field(2, ge=1, le=64)  # of the in-process worker (embedded mode)
    # How long a starting process waits for the database, Redis and the Bot API.
    start_timeout: float = Field(60.0, ge=0, le=3600)
    # `catalog import` refuses a larger file before reading it.
    catalog_max_bytes: int = Field(5 * 1024 * 1024, ge=1024)
    log_level: str = "INFO"
    log_json: bool = False

    @field_validator("staff_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            if not all(p.lstrip("-").isdigit() for p in parts):
                raise ValueError("use comma-separated Telegram user ids, e.g. 123,456")
            return [int(p) for p in parts]
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr) -> SecretStr:
        raw = value.get_secret_value()
        if raw and not WEBHOOK_SECRET_CHARS.match(raw):
            # The value itself is never repeated: error lines may end up in logs.
            raise ValueError("use 1-256 characters of A-Z a-z 0-9 _ - (Telegram's rule for secret_token)")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"unknown time zone {value!r}; use an IANA name like Europe/Berlin") from None
        return value

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        if not is_currency(value.upper()):
            raise ValueError("use an ISO 4217 currency code like EUR")
        return value.upper()

    @field_validator("vat_rate", "group_discount_percent")
    @classmethod
    def _percent(cls, value: str) -> str:
        percent_to_basis_points(value)
        return value


def percent_to_basis_points(value: str) -> int:
    """'7' -> 700, '19.5' -> 1950; at most two decimals, 0..100."""
    whole, _, frac = str(value).strip().partition(".")
    if not whole.isdigit() or (frac and (not frac.isdigit() or len(frac) > 2)):
        raise ValueError(f"not a percentage with at most 2 decimals: {value!r}")
    points = int(whole) * 100 + int(frac.ljust(2, "0") or 0)
    if points > 10_000:
        raise ValueError(f"a percentage cannot exceed 100: {value!r}")
    return points
