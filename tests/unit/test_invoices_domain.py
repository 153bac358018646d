"""Invoice numbers, series and the arithmetic of cancellations."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from domain.invoices import Invoice, InvoiceKind, InvoiceLine, Party, cancellation_of, invoice_number, series_for
from domain.money import Money

AT = datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)


def _invoice(prices: list[int], discount: int = 0) -> Invoice:
    lines = tuple(
        InvoiceLine("Сталкер", AT, "Saal 1", f"A-{i}", "adult", Money(p, "EUR"), Money(discount, "EUR"))
        for i, p in enumerate(prices, 1)
    )
    return Invoice(None, InvoiceKind.INVOICE, "CB-2026", 7, 1, AT, Party("Kino"), Party("Ann"), "EUR", 700, lines)


def test_numbers_and_series():
    assert series_for("CB", AT) == "CB-2026"
    assert invoice_number("CB-2026", 7) == "CB-2026-000007"
    with pytest.raises(ValueError):
        series_for("cb/../x", AT)
    with pytest.raises(ValueError):
        invoice_number("CB-2026", 0)


def test_totals_vat_included():
    invoice = _invoice([1200, 1000], discount=100)
    assert invoice.total == Money(2000, "EUR") and invoice.discount == Money(200, "EUR")
    assert invoice.vat == Money(131, "EUR")  # 2000 - round(2000 / 1.07) = 2000 - 1869
    assert invoice.net + invoice.vat == invoice.total


def test_cancellation_mirrors_the_original():
    original = _invoice([1199, 1333, 1001])
    cancellation = cancellation_of(original, 8, "CB-2027", AT.replace(year=2027, month=1, day=1))
    assert cancellation.kind is InvoiceKind.CANCELLATION and cancellation.cancels == "CB-2026-000007"
    assert cancellation.number == "CB-2027-000008"
    assert cancellation.total == -original.total and cancellation.vat == -original.vat
    assert cancellation.net == -original.net
    with pytest.raises(ValueError):
        cancellation_of(cancellation, 9, "CB-2027", AT)
