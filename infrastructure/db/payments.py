"""Repositories of payments and provider events (they never commit)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.payments import Payment, PaymentProvider, PaymentStatus
from infrastructure.db import mapping
from infrastructure.db.models import PaymentRow, ProviderEventRow
from infrastructure.db.repositories import upsert_into


class SqlPayments:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, payment: Payment) -> Payment:
        row = PaymentRow(
            booking_id=payment.booking_id,
            provider=str(payment.provider),
            provider_ref=payment.provider_ref,
            status=str(payment.status),
            amount=payment.amount.amount,
            currency=payment.amount.currency,
            url=payment.url,
            created_at=payment.created_at,
            expires_at=payment.expires_at,
            updated_at=payment.created_at,
            paid_ref=payment.paid_ref,
            refund_ref=payment.refund_ref,
            problem=payment.problem,
        )
        self.session.add(row)
        await self.session.flush()
        payment.id = row.id
        return payment

    async def get_by_ref(self, provider: PaymentProvider, provider_ref: str) -> Payment | None:
        row = await self.session.scalar(
            select(PaymentRow)
            .where(PaymentRow.provider == str(provider), PaymentRow.provider_ref == provider_ref)
            .execution_options(populate_existing=True)
        )
        return mapping.payment(row) if row else None

    async def get_by_paid_ref(self, provider: PaymentProvider, paid_ref: str) -> Payment | None:
        return await self._first(provider, PaymentRow.paid_ref == paid_ref)

    async def get_by_refund_ref(self, provider: PaymentProvider, refund_ref: str) -> Payment | None:
        return await self._first(provider, PaymentRow.refund_ref == refund_ref)

    async def _first(self, provider: PaymentProvider, condition: Any) -> Payment | None:
        row = await self.session.scalar(
            select(PaymentRow)
            .where(PaymentRow.provider == str(provider), condition)
            .order_by(PaymentRow.id)
            .limit(1)
            .execution_options(populate_existing=True)
        )
        return mapping.payment(row) if row else None

    async def for_booking(self, booking_id: int) -> list[Payment]:
        rows = await self.session.scalars(
            select(PaymentRow).where(PaymentRow.booking_id == booking_id).order_by(PaymentRow.id)
        )
        return [mapping.payment(r) for r in rows]

    async def set_status(self, payment: Payment, sources: frozenset[PaymentStatus], **fields: Any) -> bool:
        result = await self.session.execute(
            update(PaymentRow)
            .where(PaymentRow.id == payment.id, PaymentRow.status.in_([str(s) for s in sources]))
            .values(status=str(payment.status), updated_at=datetime.now(timezone.utc), **fields)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return False
        for name, value in fields.items():
            setattr(payment, name, value)
        return True

    async def with_status(self, statuses: frozenset[PaymentStatus], since: datetime) -> list[Payment]:
        rows = await self.session.scalars(
            select(PaymentRow)
            .where(PaymentRow.status.in_([str(s) for s in statuses]), PaymentRow.created_at >= since)
            .order_by(PaymentRow.created_at, PaymentRow.id)
        )
        return [mapping.payment(r) for r in rows]

    async def open_for_bookings(self, booking_ids: Sequence[int]) -> list[Payment]:
        if not booking_ids:
            return []
        rows = await self.session.scalars(
            select(PaymentRow).where(
                PaymentRow.booking_id.in_(list(booking_ids)), PaymentRow.status == str(PaymentStatus.OPEN)
            )
        )
        return [mapping.payment(r) for r in rows]


class SqlProviderEvents:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, provider: PaymentProvider, event_id: str, event_type: str, at: datetime) -> bool:
        # One statement: two deliveries of one event racing cannot both insert.
        statement = upsert_into(self.session, ProviderEventRow).values(
            provider=str(provider), event_id=event_id[:128], event_type=event_type[:64], received_at=at
        )
        result = await self.session.execute(
            statement.on_conflict_do_nothing(index_elements=[ProviderEventRow.provider, ProviderEventRow.event_id])
        )
        return result.rowcount == 1

    async def processed(self, provider: PaymentProvider, event_id: str) -> bool:
        at = await self.session.scalar(
            select(ProviderEventRow.processed_at).where(
                ProviderEventRow.provider == str(provider), ProviderEventRow.event_id == event_id[:128]
            )
        )
        return at is not None

    async def mark_processed(
        self, provider: PaymentProvider, event_id: str, at: datetime, outcome: str | None = None
    ) -> None:
        await self.session.execute(
            update(ProviderEventRow)
            .where(ProviderEventRow.provider == str(provider), ProviderEventRow.event_id == event_id[:128])
            .values(processed_at=at, outcome=(outcome or None) and outcome[:32])
        )

    async def outcome(self, provider: PaymentProvider, event_id: str) -> str | None:
        return await self.session.scalar(
            select(ProviderEventRow.outcome).where(
                ProviderEventRow.provider == str(provider), ProviderEventRow.event_id == event_id[:128]
            )
        )
