"""The invoice pipeline for real: a paid booking's job goes through Dramatiq
(StubBroker with a Worker thread) to the worker, which issues the invoice,
renders the PDF, stores it in S3 (moto's server over HTTP) and sends it to the
customer's chat on the playground's Bot API server."""

from __future__ import annotations

import asyncio
import io
import uuid
from contextlib import asynccontextmanager
from typing import AsyncIterator
from zoneinfo import ZoneInfo

import boto3
import pytest
from pypdf import PdfReader

from bot.container import build_container
from bot.worker import WorkerApp
from domain.customer import Customer
from domain.invoices import InvoiceKind
from domain.jobs import Jobs
from domain.promo import PromoCode, PromoKind
from handlers.jobs import REMINDERS_OFF
from domain.services.bookings import BookingService
from domain.services.checkout import CheckoutService
from domain.services.seats import SeatService
from domain.storage import FileStorage, invoice_key
from infrastructure.tasks.broker import QUEUE, RetryPolicy, build_broker
from playground.client import PlaygroundClient
from playground.telegram.app import create_telegram_app, serve
from tests.e2e.conftest import settings_for
from tests.integration.seed import seed_cinema, tomorrow
from tests.s3 import ACCESS_KEY, REGION, SECRET_KEY

pytestmark = pytest.mark.usefixtures("aws_env")

SELLER_ADDRESS = "Friedrichstraße 101\n10117 Berlin"
LONG_HALL = "Saal 1 · Palast (IMAX) mit Dolby Atmos und Liegesesseln in den ersten drei Reihen"


class FailOnceAfterUpload:
    """Stores the file, then fails once: the crash after the upload but before
    the document was sent."""

    def __init__(self, inner: FileStorage) -> None:
        self.inner = inner
        self.puts = 0

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await self.inner.put(key, data, content_type)
        self.puts += 1
        if self.puts == 1:
            raise ConnectionError("worker lost its connection right after the upload")

    def __getattr__(self, name: str):  # get, exists, link, delete as the real one
        return getattr(self.inner, name)


@asynccontextmanager
async def pipeline(
    sqlite_url: str, moto_endpoint: str, failing: bool = False, **extra: object
) -> AsyncIterator[dict]:
    bucket = f"cb-invoices-{uuid.uuid4().hex[:12]}"
    async with serve(create_telegram_app()) as api_url, PlaygroundClient(api_url) as chat:
        settings = settings_for(
            sqlite_url,
            api_url,
            storage_url=f"s3://{bucket}",
            s3_endpoint_url=moto_endpoint,
            s3_create_bucket=True,
            seller_address=SELLER_ADDRESS,
            seller_vat_id="DE123456789",
            **extra,
        )
        await chat.register_bot(settings.bot_token.get_secret_value())
        storage = None
        if failing:
            from infrastructure.storage.factory import build_storage

            storage = FailOnceAfterUpload(build_storage(settings.storage_url, moto_endpoint, True))
        broker = build_broker("", RetryPolicy(min_backoff_ms=20, max_backoff_ms=40))
        app = WorkerApp(settings, broker, storage)
        bot_side = build_container(settings, jobs=app.queue)  # the bot's process, queueing jobs
        app.start(threads=1)
        try:
            yield {"app": app, "container": bot_side, "chat": chat, "bucket": bucket, "storage": storage}
        finally:
            app.stop()
            await bot_side.close()


async def _customer(chat: PlaygroundClient, name: str, language: str = "en") -> dict:
    user = await chat.create_user(name, language_code=language)
    await chat.send_text(user["id"], "/start")  # a bot may only write to those who wrote first
    return user


async def _pay(container, customer_id: int, promo_code: str | None = None, hall_name: str = "Saal 1") -> int:
    deps = container.deps
    cinema = await seed_cinema(deps.uow, starts_at=tomorrow(), hall_name=hall_name)
    if promo_code:
        async with deps.uow() as uow:
            await uow.promos.add(PromoCode(None, promo_code, PromoKind.PERCENT, 5000))
            await uow.commit()
    owner = f"tg{customer_id}"
    await SeatService(deps).hold(cinema.show.id, ["E-5", "E-6"], owner)
    booking = await CheckoutService(deps).checkout(
        cinema.show.id, owner, Customer(customer_id, "Анна", "ru"), {"E-6": "student"}, promo_code
    )
    await BookingService(deps).confirm_payment(booking.id, "stripe", "pi_1", booking.total.amount, "EUR")
    return booking.id


def _documents(transcript: list[dict]) -> list[dict]:
    return [m for m in transcript if m.get("document")]


async def _drained(app: WorkerApp) -> None:
    await asyncio.to_thread(app.broker.join, QUEUE, timeout=20_000)


def _s3(endpoint: str):
    return boto3.client(
        "s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY
    )


async def test_paid_booking_gets_its_invoice_in_the_chat(sqlite_url, moto_endpoint):
    async with pipeline(sqlite_url, moto_endpoint) as p:
        chat: PlaygroundClient = p["chat"]
        user = await _customer(chat, "Анна", "ru")
        booking_id = await _pay(p["container"], user["id"], promo_code="KINO50", hall_name=LONG_HALL)
        message = await chat.wait_for_message(user["id"], lambda m: m.get("document"), timeout=20)
        await _drained(p["app"])

        async with p["container"].deps.uow() as uow:
            invoice, delivery = await uow.invoices.load(
                (await uow.invoices.for_booking(booking_id, InvoiceKind.INVOICE)).id
            )
            tickets = await uow.tickets.for_booking(booking_id)
            assert await uow.outbox.due(invoice.issued_at.replace(year=2100), 0, 0, 99) == []  # job done
        assert delivery.sent_at is not None and delivery.telegram_file_id == message["document"]["file_id"]
        assert message["document"]["file_name"] == f"{invoice.number}.pdf"
        assert invoice.number in message["caption"] and "Счёт" in message["caption"]

        pdf = await chat.download(message["document"])
        pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]
        text = " ".join(pages)
        assert len(pages) == 1 + len(tickets) == 3
        assert invoice.number in text and "DE123456789" in text and "Дюна" in text
        # A Russian customer's PDF is Russian throughout: words, ticket types, money,
        # dates (the show in Berlin time, its zone named), and every value whole.
        assert pages[0].startswith("Счёт") and "Friedrichstraße 101 10117 Berlin" in pages[0]
        assert "E5 Взрослый 12,00 € 6,00 € 6,00 €" in pages[0]
        assert "E6 Студенческий 10,00 € 5,00 € 5,00 €" in pages[0]
        assert "Промокод KINO50" in pages[0] and "11,00 €" in pages[0]
        assert "adult" not in text and "student" not in text and "EUR" not in text
        show = invoice.lines[0].starts_at.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M %Z")
        assert all(LONG_HALL in page and show in page for page in pages)
        assert "Взрослый" in pages[1] and "Студенческий" in pages[2]

        key = invoice_key(invoice.number, invoice.issued_at)
        head = _s3(moto_endpoint).head_object(Bucket=p["bucket"], Key=key)
        assert head["ServerSideEncryption"] == "AES256" and head["ContentLength"] == len(pdf)

        # The job again (a redelivery): no second document.
        await p["app"].queue.send(Jobs.ISSUE_INVOICE, {"booking_id": booking_id})
        await _drained(p["app"])
        assert len(_documents(await chat.transcript(user["id"]))) == 1


async def test_stopping_the_worker_closes_the_jobs_connections(sqlite_url, moto_endpoint):
    async with pipeline(sqlite_url, moto_endpoint) as p:
        chat: PlaygroundClient = p["chat"]
        user = await _customer(chat, "Ann")
        await _pay(p["container"], user["id"])
        await chat.wait_for_message(user["id"], lambda m: m.get("document"), timeout=20)
        context = await p["app"].context()  # built by the worker's loop for the job above
    # aiogram keeps its HTTP session private; a closed one is what a clean stop means.
    http = context.bot.session._session
    assert http is not None and http.closed


async def test_a_crash_after_the_upload_is_retried_into_one_invoice_and_one_document(sqlite_url, moto_endpoint):
    async with pipeline(sqlite_url, moto_endpoint, failing=True) as p:
        chat: PlaygroundClient = p["chat"]
        user = await _customer(chat, "Ann")
        booking_id = await _pay(p["container"], user["id"])
        await chat.wait_for_message(user["id"], lambda m: m.get("document"), timeout=20)
        await _drained(p["app"])
        assert p["storage"].puts == 2  # the first attempt uploaded, failed, and was retried
        assert len(_documents(await chat.transcript(user["id"]))) == 1
        async with p["container"].deps.uow() as uow:
            invoice = await uow.invoices.for_booking(booking_id, InvoiceKind.INVOICE)
            assert invoice.seq == 1
            assert await uow.invoices.next_seq(invoice.series) == 2  # no number was spent twice


async def test_refund_brings_a_cancellation_invoice(sqlite_url, moto_endpoint):
    async with pipeline(sqlite_url, moto_endpoint) as p:
        chat: PlaygroundClient = p["chat"]
        user = await _customer(chat, "Ann")
        booking_id = await _pay(p["container"], user["id"])
        await chat.wait_for_message(user["id"], lambda m: m.get("document"), timeout=20)
        bookings = p["container"].bookings
        await bookings.cancel(booking_id, user["id"])
        await bookings.mark_refunded(booking_id, "re_1")
        await chat.wait_for(user["id"], lambda t: len(_documents(t)) == 2, timeout=20)
        first, second = _documents(await chat.transcript(user["id"]))
        text = PdfReader(io.BytesIO(await chat.download(second["document"]))).pages[0].extract_text()
        number = first["document"]["file_name"].removesuffix(".pdf")
        # The buyer wrote in Russian when booking: the invoice speaks Russian.
        assert number in text and "Сторнирующий счёт" in text and "-22,00\xa0€" in text


async def test_a_reminder_comes_once_with_a_way_to_turn_them_off(sqlite_url, moto_endpoint):
    # A day's notice, so that tomorrow's show is due now.
    async with pipeline(sqlite_url, moto_endpoint, reminder_minutes=24 * 60) as p:
        chat: PlaygroundClient = p["chat"]
        user = await _customer(chat, "Ann")
        await _pay(p["container"], user["id"])
        for _ in range(2):  # the scheduler's next tick finds it reminded already
            await p["app"].queue.send(Jobs.SEND_REMINDERS, {})
            await _drained(p["app"])
        reminders = [m for m in await chat.transcript(user["id"]) if "⏰" in (m.get("text") or "")]
        assert len(reminders) == 1
        # The customer booked in Russian (see _pay): the reminder speaks Russian.
        assert "Напоминание" in reminders[0]["text"] and "E5, E6" in reminders[0]["text"]
        [[button]] = reminders[0]["reply_markup"]["inline_keyboard"]
        assert button["callback_data"] == REMINDERS_OFF and "Больше не напоминать" in button["text"]
