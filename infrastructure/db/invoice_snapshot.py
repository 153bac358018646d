"""An invoice as stored: the JSON snapshot taken when it was issued, and back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.invoices import Invoice, InvoiceKind, InvoiceLine, Party
from domain.money import Money
from infrastructure.db.models import InvoiceRow

SNAPSHOT_VERSION = 1


def _party(party: Party) -> dict[str, str]:
    return {"name": party.name, "address": party.address, "vat_id": party.vat_id}


def snapshot_of(invoice: Invoice) -> dict[str, Any]:
    return {
        "v": SNAPSHOT_VERSION,
        "seller": _party(invoice.seller),
        "buyer": _party(invoice.buyer),
        "vat_basis_points": invoice.vat_basis_points,
        "timezone": invoice.timezone,
        "language": invoice.language,
        "promo_code": invoice.promo_code,
        "lines": [
            {
                "movie": line.movie,
                "starts_at": line.starts_at.isoformat(),
                "hall": line.hall,
                "seat": line.seat,
                "ticket_type": line.ticket_type,
                "price": line.price.amount,
                "discount": line.discount.amount,
            }
            for line in invoice.lines
        ],
    }


def invoice_from_row(row: InvoiceRow) -> Invoice:
    data = row.snapshot
    currency = row.currency
    return Invoice(
        id=row.id,
        kind=InvoiceKind(row.kind),
        series=row.series,
        seq=row.seq,
        booking_id=row.booking_id,
        issued_at=row.issued_at,
        seller=Party(**data["seller"]),
        buyer=Party(**data["buyer"]),
        currency=currency,
        vat_basis_points=int(data["vat_basis_points"]),
        lines=tuple(
            InvoiceLine(
                movie=line["movie"],
                starts_at=datetime.fromisoformat(line["starts_at"]),
                hall=line["hall"],
                seat=line["seat"],
                ticket_type=line["ticket_type"],
                price=Money(int(line["price"]), currency),
                discount=Money(int(line["discount"]), currency),
            )
            for line in data["lines"]
        ),
        timezone=data.get("timezone", "UTC"),
        cancels=row.cancels,
        language=data.get("language", "en"),
        promo_code=data.get("promo_code"),  # absent from snapshots taken before it was kept
    )
