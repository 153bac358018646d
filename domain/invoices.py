"""Invoices and tickets: what a customer receives for a paid booking.

An invoice is a snapshot taken when it is issued (seller, buyer, lines, VAT rate)
and is never edited afterwards. Numbers are consecutive per series, one series a
year per prefix ("CB-2026" -> "CB-2026-000001"); the repository allocates them in
the transaction that stores the invoice, so a rollback leaves no gap. A refund
issues a cancellation invoice: the same lines negated, pointing at the original.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from domain.money import Money

_PREFIX = re.compile(r"^[A-Z0-9]{1,10}$")
SEQ_DIGITS = 6


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CANCELLATION = "cancellation"


def series_for(prefix: str, issued_at: datetime) -> str:
    """The numbering series of an invoice issued at ``issued_at`` (UTC): a year a series."""
    if not _PREFIX.match(prefix):
        raise ValueError(f"invoice prefix must be 1-10 of A-Z 0-9, not {prefix!r}")
    return f"{prefix}-{issued_at.year}"


def invoice_number(series: str, seq: int) -> str:
    if seq < 1:
        raise ValueError("invoice sequence numbers start at 1")
    return f"{series}-{seq:0{SEQ_DIGITS}d}"


def new_ticket_secret() -> str:
    """What a ticket's QR code holds: unguessable, so a ticket cannot be forged
    from its booking number or seat (128 bits, URL-safe)."""
    return secrets.token_urlsafe(16)


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    address: str = ""
    vat_id: str = ""


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    movie: str
    starts_at: datetime  # UTC; shown in the cinema's zone
    hall: str
    seat: str
    ticket_type: str
    price: Money  # VAT included; negated on a cancellation invoice
    discount: Money

    @property
    def total(self) -> Money:
        return self.price - self.discount


@dataclass(frozen=True, slots=True)
class Ticket:
    booking_id: int
    seat: str
    ticket_type: str
    secret: str


@dataclass(frozen=True, slots=True)
class Invoice:
    id: int | None
    kind: InvoiceKind
    series: str
    seq: int
    booking_id: int
    issued_at: datetime
    seller: Party
    buyer: Party
    currency: str
    vat_basis_points: int  # prices include VAT at this rate
    lines: tuple[InvoiceLine, ...]
    timezone: str = "UTC"  # the cinema's zone, for showing times
    cancels: str | None = None  # the original's number, on a cancellation invoice
    language: str = "en"  # the buyer's language when it was issued
    promo_code: str | None = None  # the code whose discount the lines carry, if one did

    @property
    def number(self) -> str:
        return invoice_number(self.series, self.seq)

    @property
    def total(self) -> Money:
        total = Money.zero(self.currency)
        for line in self.lines:
            total = total + line.total
        return total

    @property
    def discount(self) -> Money:
        total = Money.zero(self.currency)
        for line in self.lines:
            total = total + line.discount
        return total

    @property
    def vat(self) -> Money:
        # Rounding is symmetric about zero, so a cancellation mirrors its original.
        return self.total.included_vat(self.vat_basis_points)

    @property
    def net(self) -> Money:
        return self.total - self.vat


def cancellation_of(original: Invoice, seq: int, series: str, issued_at: datetime) -> Invoice:
    """The cancellation invoice of ``original``: every line negated."""
    if original.kind is not InvoiceKind.INVOICE:
        raise ValueError("only an invoice can be cancelled")
    lines = tuple(
        InvoiceLine(l.movie, l.starts_at, l.hall, l.seat, l.ticket_type, -l.price, -l.discount) for l in original.lines
    )
    return Invoice(
        id=None,
        kind=InvoiceKind.CANCELLATION,
        series=series,
        seq=seq,
        booking_id=original.booking_id,
        issued_at=issued_at,
        seller=original.seller,
        buyer=original.buyer,
        currency=original.currency,
        vat_basis_points=original.vat_basis_points,
        lines=lines,
        timezone=original.timezone,
        cancels=original.number,
        language=original.language,
        promo_code=original.promo_code,
    )


@dataclass(frozen=True, slots=True)
class InvoiceDelivery:
    """Where an issued invoice's PDF is and whether the customer got it."""

    invoice_id: int
    number: str
    kind: InvoiceKind
    booking_id: int
    customer_id: int
    issued_at: datetime
    storage_key: str | None = None
    telegram_file_id: str | None = None
    sent_at: datetime | None = None
