"""Invoices with fakes: issued once, rendered and stored once, sent once; My
bookings sends them again by file_id; reminders switch on and off."""

from __future__ import annotations

import pytest

from domain.errors import NotFound
from domain.invoices import Invoice, InvoiceKind
from domain.jobs import Jobs
from domain.services.invoice_delivery import Delivered, InvoiceDeliveryService, SentDocument
from domain.services.invoices import InvoiceService
from domain.services.jobs import ReminderService
from domain.storage import StoredFileMissing
from tests.unit.world import ANN, World


class MemoryStorage:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.puts = 0

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        self.puts += 1
        self.files[key] = data

    async def get(self, key: str) -> bytes:
        if key not in self.files:
            raise StoredFileMissing(key)
        return self.files[key]


class CountingRenderer:
    def __init__(self) -> None:
        self.calls = 0

    def render(self, invoice: Invoice, tickets) -> bytes:
        self.calls += 1
        return f"PDF {invoice.number} {len(tickets)} tickets".encode()


class Chat:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str, bytes | None, str | None]] = []

    async def send_document(self, chat_id, *, filename, caption, data=None, file_id=None) -> SentDocument:
        self.sent.append((chat_id, filename, data, file_id))
        return SentDocument(file_id or f"file-{len(self.sent)}", len(self.sent))


@pytest.fixture
async def paid(w: World):
    await w.seats.hold(w.show.id, ["A-1", "A-2"], "tg101")
    booking = await w.checkout.checkout(w.show.id, "tg101", ANN)
    await w.bookings.confirm_payment(booking.id, "stripe", "pi_1", booking.total.amount, "EUR")
    storage, renderer, chat = MemoryStorage(), CountingRenderer(), Chat()
    delivery = InvoiceDeliveryService(w.deps, storage, renderer, chat, lambda i: f"Invoice {i.number}")
    return booking.id, InvoiceService(w.deps), delivery, storage, renderer, chat


async def test_payment_writes_the_invoice_job_to_the_outbox(w: World, paid):
    booking_id = paid[0]
    jobs = [r for r in w.store.outbox.values()]
    assert [(j["job"], j["payload"]) for j in jobs] == [(Jobs.ISSUE_INVOICE, {"booking_id": booking_id})]


async def test_delivered_once_with_tickets(w: World, paid):
    booking_id, invoices, delivery, storage, renderer, chat = paid
    invoice = await invoices.issue(booking_id)
    assert await delivery.deliver(invoice.id) is Delivered.SENT
    assert await delivery.deliver(invoice.id) is Delivered.ALREADY_SENT
    assert renderer.calls == 1 and storage.puts == 1 and len(chat.sent) == 1
    chat_id, filename, data, _ = chat.sent[0]
    assert chat_id == ANN.telegram_id and filename == f"{invoice.number}.pdf" and data == b"PDF %s 2 tickets" % invoice.number.encode()
    assert [t.seat for t in await invoices.tickets(booking_id)] == ["A-1", "A-2"]
    recorded = w.store.deliveries[invoice.id]
    assert recorded.storage_key in storage.files and recorded.telegram_file_id == "file-1"


async def test_a_retry_after_the_upload_does_not_render_twice_when_recorded(w: World, paid):
    booking_id, invoices, delivery, storage, renderer, chat = paid
    invoice = await invoices.issue(booking_id)
    _, pdf = await delivery.pdf(invoice.id)  # rendered and stored, not sent (a crash here)
    assert chat.sent == [] and renderer.calls == 1
    await delivery.deliver(invoice.id)
    assert renderer.calls == 1 and chat.sent[0][2] == pdf


async def test_a_stored_file_that_vanished_is_rendered_again(w: World, paid):
    booking_id, invoices, delivery, storage, renderer, chat = paid
    invoice = await invoices.issue(booking_id)
    await delivery.pdf(invoice.id)
    storage.files.clear()
    await delivery.deliver(invoice.id)
    assert renderer.calls == 2 and len(chat.sent) == 1


async def test_my_bookings_resends_by_file_id(w: World, paid):
    booking_id, invoices, delivery, storage, renderer, chat = paid
    assert await delivery.resend(booking_id, ANN.telegram_id) == 0  # not issued yet
    invoice = await invoices.issue(booking_id)
    assert await delivery.resend(booking_id, ANN.telegram_id) == 1  # issued, never sent: sent now
    assert chat.sent[-1][2] is not None
    assert await delivery.resend(booking_id, ANN.telegram_id) == 1
    assert chat.sent[-1][3] == "file-1" and chat.sent[-1][2] is None  # by file_id, no upload
    assert renderer.calls == 1
    with pytest.raises(NotFound):
        await delivery.resend(booking_id, 999)  # someone else's booking
    assert invoice.kind is InvoiceKind.INVOICE


async def test_cancellation_after_refund(w: World, paid):
    booking_id, invoices, delivery, *_ = paid
    await w.bookings.cancel(booking_id, ANN.telegram_id)
    await w.bookings.mark_refunded(booking_id, "re_1")
    assert [r["job"] for r in w.store.outbox.values()] == [Jobs.ISSUE_INVOICE, Jobs.CANCEL_INVOICE]
    cancellation = await invoices.cancel(booking_id)
    original = await invoices.issue(booking_id)
    assert cancellation.cancels == original.number and cancellation.seq == original.seq + 1
    assert cancellation.total == -original.total


async def test_reminders_toggle(w: World, paid):
    reminders = ReminderService(w.deps)
    assert await reminders.toggle(ANN.telegram_id) is False
    assert await reminders.toggle(ANN.telegram_id) is True
    assert await reminders.toggle(424242) is None


def test_ticket_secrets_are_unguessable():
    from domain.invoices import new_ticket_secret

    secrets = {new_ticket_secret() for _ in range(1000)}
    assert len(secrets) == 1000 and all(len(s) >= 22 for s in secrets)
