"""Render time of one 4-ticket invoice for bench/invoices.py, through the
production LabelledRenderer (Fluent labels, the buyer's language), in this
process. bench/invoices_render.py splits the same render into its parts."""

from __future__ import annotations

import gc
import io
import math
import statistics
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from pypdf import PdfReader

from bot.worker import LabelledRenderer
from domain.invoices import Invoice, InvoiceKind, InvoiceLine, Party, Ticket, new_ticket_secret
from domain.money import Money
from infrastructure.i18n import Translator

ISSUED = datetime(2026, 11, 25, 9, 41, 7, tzinfo=timezone.utc)
SHOW = datetime(2026, 11, 26, 17, 30, tzinfo=timezone.utc)


@dataclass(frozen=True)
class RenderFigures:
    runs: int
    first_ms: float  # the process's first render: it also loads the fonts
    median_ms: float
    p95_ms: float
    cpu_median_ms: float  # this thread's CPU: steadier than wall time on a busy machine
    pages: int
    bytes: int
    language: str


def sample_invoice(language: str = "ru") -> tuple[Invoice, list[Ticket]]:
    """What the pipeline issues: 4 seats side by side, one a student ticket with
    its reduction, a Cyrillic title and hall, a seller with address and VAT id."""
    seats = ("H-17", "H-18", "H-19", "H-20")
    types = ("adult", "adult", "student", "child")
    prices = {"adult": 1250, "student": 1050, "child": 875}
    lines = tuple(
        InvoiceLine("Сталкер", SHOW, "Зал 1", seat, kind, Money(prices[kind], "EUR"), Money(0, "EUR"))
        for seat, kind in zip(seats, types)
    )
    invoice = Invoice(
        id=17,
        kind=InvoiceKind.INVOICE,
        series="CB-2026",
        seq=17,
        booking_id=1017,
        issued_at=ISSUED,
        seller=Party("Kino Lichtspiele GmbH", "Friedrichstraße 101\n10117 Berlin", "DE123456789"),
        buyer=Party("Анна Смирнова"),
        currency="EUR",
        vat_basis_points=700,
        lines=lines,
        timezone="Europe/Berlin",
        language=language,
    )
    tickets = [Ticket(invoice.booking_id, seat, kind, new_ticket_secret()) for seat, kind in zip(seats, types)]
    return invoice, tickets


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def measure_render(runs: int, language: str = "ru") -> RenderFigures:
    renderer = LabelledRenderer(Translator())
    invoice, tickets = sample_invoice(language)
    started = time.perf_counter()
    pdf = renderer.render(invoice, tickets)
    first_ms = (time.perf_counter() - started) * 1000
    for _ in range(5):  # warm caches (fonts, labels, fpdf2's own) before timing
        renderer.render(invoice, tickets)
    gc.collect()  # start from a clean heap so one run's garbage does not land in the next
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.thread_time()
        renderer.render(invoice, tickets)
        cpu.append((time.thread_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return RenderFigures(
        runs=runs,
        first_ms=first_ms,
        median_ms=statistics.median(wall),
        p95_ms=percentile(wall, 95),
        cpu_median_ms=statistics.median(cpu),
        pages=len(PdfReader(io.BytesIO(pdf)).pages),
        bytes=len(pdf),
        language=language,
    )
