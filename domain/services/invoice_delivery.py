"""Getting an issued invoice to the customer: rendered once, stored once, sent
once. Each step is recorded before the next, so a job retried after a failure
picks up where it stopped and never sends a second copy of a delivered invoice."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Awaitable, Callable, Protocol, Sequence

from domain.errors import NotFound
from domain.invoices import Invoice, InvoiceDelivery, InvoiceKind, Ticket
from domain.services.deps import Deps
from domain.storage import FileStorage, StoredFileMissing, invoice_key


class InvoiceRenderer(Protocol):
    def render(self, invoice: Invoice, tickets: Sequence[Ticket]) -> bytes: ...


@dataclass(frozen=True, slots=True)
class SentDocument:
    file_id: str
    message_id: int


class DocumentSender(Protocol):
    async def send_document(
        self, chat_id: int, *, filename: str, caption: str, data: bytes | None = None, file_id: str | None = None
    ) -> SentDocument:
        """Send a file by its bytes (uploaded) or by a file_id Telegram knows."""


class Delivered(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"


Announce = Callable[[InvoiceDelivery], Awaitable[None]]


class InvoiceDeliveryService:
    def __init__(
        self,
        deps: Deps,
        storage: FileStorage,
        renderer: InvoiceRenderer,
        sender: DocumentSender,
        caption: Callable[[Invoice], str],
    ) -> None:
        self.d, self.storage, self.renderer, self.sender, self.caption = deps, storage, renderer, sender, caption

    async def _load(self, invoice_id: int) -> tuple[InvoiceDelivery, Invoice, list[Ticket]]:
        async with self.d.uow() as uow:
            loaded = await uow.invoices.load(invoice_id)
            if loaded is None:
                raise NotFound(f"invoice {invoice_id}", kind="invoice")
            invoice, delivery = loaded
            tickets = await uow.tickets.for_booking(invoice.booking_id) if invoice.kind is InvoiceKind.INVOICE else []
        return delivery, invoice, tickets

    async def pdf(self, invoice_id: int) -> tuple[Invoice, bytes]:
        """The stored PDF of an invoice, rendered and stored first if it is not."""
        delivery, invoice, tickets = await self._load(invoice_id)
        pdf = await self._stored_pdf(delivery, invoice, tickets)
        if delivery.storage_key is None:
            async with self.d.uow() as uow:
                await uow.invoices.mark_stored(delivery.invoice_id, self._key(invoice), self.d.clock.now())
                await uow.commit()
        return invoice, pdf

    @staticmethod
    def _key(invoice: Invoice) -> str:
        return invoice_key(invoice.number, invoice.issued_at)

    async def _stored_pdf(self, delivery: InvoiceDelivery, invoice: Invoice, tickets: list[Ticket]) -> bytes:
        """The PDF from storage, or rendered and stored. Storing again is harmless:
        the same snapshot renders the same bytes to the same key."""
        key = delivery.storage_key or self._key(invoice)
        if delivery.storage_key is not None:
            try:
                return await self.storage.get(key)
            except StoredFileMissing:
                pass  # lost from storage: the snapshot renders it again, identically
        pdf = self.renderer.render(invoice, tickets)
        await self.storage.put(key, pdf, "application/pdf")
        return pdf

    async def deliver(self, invoice_id: int, announce: Announce | None = None) -> Delivered:
        """Send an invoice once; ``announce`` says what it is for first (the
        payment confirmation), so the customer reads "paid" before the PDF."""
        delivery, invoice, tickets = await self._load(invoice_id)
        if delivery.sent_at is not None:
            return Delivered.ALREADY_SENT
        pdf = await self._stored_pdf(delivery, invoice, tickets)
        if announce is not None:
            await announce(delivery)
        sent = await self.sender.send_document(
            delivery.customer_id, filename=f"{invoice.number}.pdf", caption=self.caption(invoice), data=pdf
        )
        # Where it is stored and that it was sent, in one transaction (a retry that
        # comes before this renders and stores again: the same bytes, the same key).
        async with self.d.uow() as uow:
            now = self.d.clock.now()
            if delivery.storage_key is None:
                await uow.invoices.mark_stored(invoice_id, self._key(invoice), now)
            await uow.invoices.mark_sent(invoice_id, sent.file_id, sent.message_id, now)
            await uow.commit()
        return Delivered.SENT

    async def deliver_all(self, booking_id: int) -> int:
        """Every invoice of a booking not sent yet, in the order they were issued
        (an invoice before its cancellation). Returns how many were sent."""
        async with self.d.uow() as uow:
            invoices = await uow.invoices.of_booking(booking_id)
        sent = 0
        for _, delivery in invoices:
            if delivery.sent_at is None and await self.deliver(delivery.invoice_id) is Delivered.SENT:
                sent += 1
        return sent

    async def resend(self, booking_id: int, customer_id: int, only_cancellations: bool = False) -> int:
        """My bookings: the booking's invoices again, by Telegram's file_id where
        Telegram has the file (no new upload), else from storage. Returns how many
        were sent; 0 while none is issued yet (its job is still on the way). A
        cancelled booking's customer gets only the cancellation invoices: the
        original's tickets are void."""
        async with self.d.uow() as uow:
            booking = await uow.bookings.get(booking_id)
            if booking is None or booking.customer_id != customer_id:
                raise NotFound(f"booking {booking_id}", kind="booking")
            invoices = await uow.invoices.of_booking(booking_id)
        if only_cancellations:
            invoices = [(i, d) for i, d in invoices if i.kind is InvoiceKind.CANCELLATION]
        for invoice, delivery in invoices:
            if delivery.telegram_file_id is not None:
                await self.sender.send_document(
                    customer_id,
                    filename=f"{invoice.number}.pdf",
                    caption=self.caption(invoice),
                    file_id=delivery.telegram_file_id,
                )
            else:
                await self.deliver(delivery.invoice_id)
        return len(invoices)
