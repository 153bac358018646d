"""The composition root: builds adapters from settings and hands out services."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.settings import Settings, percent_to_basis_points
from domain.holds import HoldStore
from domain.links import LinkKind, link_payload
from domain.ports import SystemClock
from domain.pricing import GroupDiscount, PricingPolicy
from domain.services.bookings import BookingService
from domain.services.catalog import CatalogService
from domain.services.catalog_admin import CatalogAdmin
from domain.services.checkout import CheckoutService
from domain.payments import PaymentGateway, PaymentProvider
from domain.services.deps import BookingPolicy, Deps
from domain.services.payments import PaymentService, ReturnLinks
from domain.services.seats import SeatService
from domain.invoices import Party
from domain.jobs import JobQueue
from domain.services.invoices import InvoicePolicy, InvoiceService
from domain.storage import FileStorage
from infrastructure.tasks.queue import OutboxHandOver
from infrastructure.db.engine import create_engine, session_factory
from infrastructure.db.uow import SqlUnitOfWorkFactory
from infrastructure.holds.memory import MemoryHoldStore


def booking_policy(settings: Settings) -> BookingPolicy:
    return BookingPolicy(
        hold_minutes=settings.hold_minutes,
        payment_minutes=settings.payment_minutes,
        cancel_before_minutes=settings.cancel_before_minutes,
        max_seats=settings.max_seats,
        timezone=settings.timezone,
        currency=settings.currency,
        pricing=PricingPolicy(
            vat_basis_points=percent_to_basis_points(settings.vat_rate),
            group=GroupDiscount(
                min_tickets=settings.group_discount_min_tickets,
                basis_points=percent_to_basis_points(settings.group_discount_percent),
            ),
        ),
    )


class BotLinks:
    """Deep links back into the bot; the username is learnt from getMe at start.
    The playground points them at its web chat instead of t.me."""

    def __init__(self, username: str = "", base: str = "https://t.me") -> None:
        self.username = username
        self.base = base.rstrip("/")

    def paid(self, booking_id: int) -> str:
        return f"{self.base}/{self.username}?start={link_payload(LinkKind.PAID, booking_id)}"

    def unpaid(self, booking_id: int) -> str:
        return f"{self.base}/{self.username}?start={link_payload(LinkKind.UNPAID, booking_id)}"


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    deps: Deps
    redis: object | None = None

    @property
    def catalog(self) -> CatalogService:
        return CatalogService(self.deps)

    @property
    def seats(self) -> SeatService:
        return SeatService(self.deps)

    @property
    def checkout(self) -> CheckoutService:
        return CheckoutService(self.deps)

    @property
    def bookings(self) -> BookingService:
        return BookingService(self.deps)

    @property
    def catalog_admin(self) -> CatalogAdmin:
        return CatalogAdmin(self.deps)

    @property
    def invoices(self) -> InvoiceService:
        return InvoiceService(self.deps, invoice_policy(self.settings))

    @functools.cached_property
    def storage(self) -> FileStorage:
        from infrastructure.storage.factory import build_storage

        s = self.settings
        return build_storage(s.storage_url, s.s3_endpoint_url, s.s3_create_bucket)

    async def prepare_storage(self) -> None:
        """Create or check the S3 bucket (a local folder needs nothing)."""
        ensure = getattr(self.storage, "ensure_bucket", None)
        if ensure is not None:
            await ensure()

    @functools.cached_property
    def links(self) -> BotLinks:
        return BotLinks()

    @functools.cached_property
    def payments(self) -> PaymentService:
        from infrastructure.i18n import Translator
        from infrastructure.i18n.checkout_texts import TranslatedCheckoutTexts
        from infrastructure.payments.paypal_gateway import PayPalGateway
        from infrastructure.payments.stripe_gateway import StripeGateway

        s = self.settings
        # A provider without credentials is not offered (docker-compose passes empty ones).
        gateways: dict[PaymentProvider, PaymentGateway] = {}
        if s.stripe_secret_key.get_secret_value():
            gateways[PaymentProvider.STRIPE] = StripeGateway(s.stripe_secret_key.get_secret_value(), s.stripe_api_url)
        if s.paypal_client_id and s.paypal_client_secret.get_secret_value():
            gateways[PaymentProvider.PAYPAL] = PayPalGateway(
                s.paypal_client_id,
                s.paypal_client_secret.get_secret_value(),
                s.paypal_api_url,
                s.paypal_webhook_id,
                # PayPal brings the buyer back to us; we capture, then send them to the bot.
                return_url=s.public_url.rstrip("/") + "/payments/paypal/return",
            )
        links = ReturnLinks(self.links.paid, self.links.unpaid)
        # The pay pages speak the customer's language, as the chat does.
        return PaymentService(self.deps, gateways, links, TranslatedCheckoutTexts(Translator()))

    def hall_pictures(self) -> object | None:
        """Rendered hall pictures for the seat map (None: text and keyboard only)."""
        if not self.settings.seat_map_pictures:
            return None
        from infrastructure.render.cache import HallPictureCache

        return HallPictureCache(Path(self.settings.cache_dir) / "halls")

    async def close(self) -> None:
        if "payments" in self.__dict__:
            for gateway in self.payments.gateways.values():
                await gateway.close()  # type: ignore[attr-defined]
        await self.engine.dispose()
        if self.redis is not None:
            await self.redis.aclose()  # type: ignore[attr-defined]


def invoice_policy(settings: Settings) -> InvoicePolicy:
    seller = Party(settings.seller_name, settings.seller_address, settings.seller_vat_id)
    return InvoicePolicy(prefix=settings.invoice_prefix, seller=seller)


def build_container(settings: Settings, jobs: JobQueue | None = None) -> Container:
    """Create adapters; no connection is opened until something is asked for.
    With ``jobs``, what a transaction writes to the outbox is queued after it commits."""
    engine = create_engine(settings.database_url)
    redis = None
    holds: HoldStore
    if settings.redis_url:
        from redis.asyncio import BlockingConnectionPool, Redis
        from redis.asyncio.retry import Retry
        from redis.backoff import ExponentialBackoff
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError

        from infrastructure.holds.redis import RedisHoldStore

        # Wait for a free connection instead of failing at once when many updates
        # are handled together (redis-py raises past max_connections otherwise).
        # A pooled connection that died with a Redis restart is retried on a new
        # one, so the first update after an outage does not fail on it.
        pool = BlockingConnectionPool.from_url(
            settings.redis_url, max_connections=100, timeout=20,
            retry=Retry(ExponentialBackoff(cap=0.2, base=0.02), 2),
            retry_on_error=[RedisConnectionError, RedisTimeoutError],
        )
        redis = Redis.from_pool(pool)
        holds = RedisHoldStore(redis)
    else:
        holds = MemoryHoldStore()
    clock = SystemClock()
    uow = SqlUnitOfWorkFactory(session_factory(engine))
    if jobs is not None:
        uow.after_commit = OutboxHandOver(jobs, uow, clock)
    deps = Deps(uow=uow, holds=holds, clock=clock, policy=booking_policy(settings))
    return Container(settings, engine, deps, redis)
