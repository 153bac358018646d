"""Repositories of invoices, their numbering and tickets (they never commit)."""

from __future__ import annotations

from datetime import datetime
from typing import Sequence

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import AlreadyExists
from domain.invoices import Invoice, InvoiceDelivery, InvoiceKind, Ticket, invoice_number
from infrastructure.db.invoice_snapshot import invoice_from_row, snapshot_of
from infrastructure.db.models import InvoiceCounterRow, InvoiceRow, TicketRow
from infrastructure.db.repositories import upsert_into


class SqlInvoices:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def next_seq(self, series: str) -> int:
        # One statement that inserts or increments and returns the number. On
        # Postgres the row lock it takes makes concurrent issuers queue up; the
        # increment belongs to the caller's transaction, so a rollback undoes it.
        statement = upsert_into(self.session, InvoiceCounterRow).values(series=series, last_seq=1)
        statement = statement.on_conflict_do_update(
            index_elements=[InvoiceCounterRow.series], set_={"last_seq": InvoiceCounterRow.last_seq + 1}
        ).returning(InvoiceCounterRow.last_seq)
        return int((await self.session.execute(statement)).scalar_one())

    async def add(self, invoice: Invoice, customer_id: int) -> Invoice:
        row = InvoiceRow(
            kind=str(invoice.kind),
            series=invoice.series,
            seq=invoice.seq,
            number=invoice_number(invoice.series, invoice.seq),
            booking_id=invoice.booking_id,
            customer_id=customer_id,
            issued_at=invoice.issued_at,
            cancels=invoice.cancels,
            total=invoice.total.amount,
            currency=invoice.currency,
            snapshot=snapshot_of(invoice),
        )
        try:
            async with self.session.begin_nested():
                self.session.add(row)
                await self.session.flush()
        except IntegrityError as exc:
            raise AlreadyExists(f"{invoice.kind} of booking {invoice.booking_id}", booking=invoice.booking_id) from exc
        return invoice_from_row(row)

    async def for_booking(self, booking_id: int, kind: InvoiceKind) -> Invoice | None:
        row = await self.session.scalar(
            select(InvoiceRow).filter_by(booking_id=booking_id, kind=str(kind)).execution_options(populate_existing=True)
        )
        return invoice_from_row(row) if row else None

    async def load(self, invoice_id: int) -> tuple[Invoice, InvoiceDelivery] | None:
        row = await self.session.scalar(
            select(InvoiceRow).where(InvoiceRow.id == invoice_id).execution_options(populate_existing=True)
        )
        return (invoice_from_row(row), _delivery(row)) if row else None

    async def of_booking(self, booking_id: int) -> list[tuple[Invoice, InvoiceDelivery]]:
        rows = await self.session.scalars(
            select(InvoiceRow)
            .where(InvoiceRow.booking_id == booking_id)
            .order_by(InvoiceRow.id)
            .execution_options(populate_existing=True)
        )
        return [(invoice_from_row(row), _delivery(row)) for row in rows]

    async def mark_stored(self, invoice_id: int, key: str, at: datetime) -> None:
        await self.session.execute(
            update(InvoiceRow).where(InvoiceRow.id == invoice_id).values(storage_key=key, stored_at=at)
        )

    async def mark_sent(self, invoice_id: int, file_id: str, message_id: int, at: datetime) -> bool:
        result = await self.session.execute(
            update(InvoiceRow)
            .where(InvoiceRow.id == invoice_id, InvoiceRow.sent_at.is_(None))
            .values(telegram_file_id=file_id, sent_message_id=message_id, sent_at=at)
        )
        return result.rowcount == 1


def _delivery(row: InvoiceRow) -> InvoiceDelivery:
    return InvoiceDelivery(
        invoice_id=row.id,
        number=row.number,
        kind=InvoiceKind(row.kind),
        booking_id=row.booking_id,
        customer_id=row.customer_id,
        issued_at=row.issued_at,
        storage_key=row.storage_key,
        telegram_file_id=row.telegram_file_id,
        sent_at=row.sent_at,
    )


class SqlTickets:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def for_booking(self, booking_id: int) -> list[Ticket]:
        rows = await self.session.scalars(
            select(TicketRow).where(TicketRow.booking_id == booking_id).order_by(TicketRow.id)
        )
        return [Ticket(r.booking_id, r.seat_code, r.ticket_type, r.secret) for r in rows]

    async def add(self, tickets: Sequence[Ticket], at: datetime) -> None:
        self.session.add_all(
            TicketRow(booking_id=t.booking_id, seat_code=t.seat, ticket_type=t.ticket_type, secret=t.secret, created_at=at)
            for t in tickets
        )
        await self.session.flush()
