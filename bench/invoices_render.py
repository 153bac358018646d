"""Benchmark: render_invoice for a 4-ticket invoice (5 pages), in one process.

What it times, each as the median of --runs renders after a warm-up:
- render: the production path (lean DejaVu faces parsed once, cloned per document);
  wall clock and the thread's CPU time (the CPU figure is steadier on a busy machine);
  split into drawing and fpdf2's output (font subsetting and embedding, compression);
- first: the first render of the process, which also builds the lean faces;
- full: the same invoice with a Greek title, which takes the complete-font path;
- naive: the same layout with fpdf2's add_font per document (the cost avoided);
- qr vector / qr png: four QR codes on four otherwise empty pages, drawn as
  rectangles (production) or as an in-memory PNG from segno placed with
  FPDF.image, output included.

A human table goes to stderr; the last line on stdout is one JSON object.
Goal (issue #5): render median <= 20 ms on the 2-core machine.

    .venv/bin/python bench/invoices_render.py [--runs 200] [--out /tmp/invoice.pdf]
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __name__ == "__main__":  # run as a plain script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import segno  # noqa: E402
from fpdf import FPDF  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from domain.invoices import Invoice, InvoiceKind, Ticket  # noqa: E402
from infrastructure.fonts import SANS, SANS_BOLD  # noqa: E402
from infrastructure.pdf import fonts, render_invoice  # noqa: E402
from infrastructure.pdf.invoice import _draw, _ticket_lines  # noqa: E402
from infrastructure.pdf.invoice_page import draw_invoice_page  # noqa: E402
from infrastructure.pdf.labels import Wording, checked_labels  # noqa: E402
from infrastructure.pdf.page import new_pdf  # noqa: E402
from infrastructure.pdf.qr import ERROR_LEVEL, MASK, QUIET_ZONE, draw_qr  # noqa: E402
from infrastructure.pdf.ticket_page import QR_SIZE, draw_ticket_page  # noqa: E402
from tests.unit.test_pdf_invoice import english_labels, sample_invoice, sample_tickets  # noqa: E402


def timed(fn: Callable[[], object], runs: int) -> tuple[list[float], list[float]]:
    """Wall and thread-CPU milliseconds of ``runs`` calls, after two warm-ups."""
    fn()
    fn()
    gc.collect()
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.thread_time()
        fn()
        cpu.append((time.thread_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
    return wall, cpu


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def naive_render(invoice: Invoice, tickets: list[Ticket], words: Wording) -> bytes:
    """The same pages with fonts loaded the documented fpdf2 way, per document."""
    pdf = new_pdf()
    pdf.add_font(fonts.FAMILY, "", SANS)
    pdf.add_font(fonts.FAMILY, "B", SANS_BOLD)
    pdf.set_creation_date(invoice.issued_at)
    draw_invoice_page(pdf, invoice, words)
    for line, ticket in _ticket_lines(invoice, tickets):
        draw_ticket_page(pdf, invoice, line, ticket, words)
    return bytes(pdf.output())


def qr_pages(secrets: list[str], png: bool) -> bytes:
    pdf = FPDF(unit="mm", format="A4")
    for secret in secrets:
        pdf.add_page()
        if png:
            buffer = io.BytesIO()
            code = segno.make(secret, error=ERROR_LEVEL, mask=MASK, micro=False, boost_error=False)
            code.save(buffer, kind="png", scale=1, border=QUIET_ZONE)
            buffer.seek(0)
            pdf.image(buffer, x=133, y=18, w=QR_SIZE, h=QR_SIZE)
        else:
            draw_qr(pdf, secret, 133, 18, QR_SIZE)
    return bytes(pdf.output())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--out", type=Path, help="also write the rendered PDF here")
    args = parser.parse_args()

    labels = english_labels()
    invoice = sample_invoice(tickets=4)
    tickets = sample_tickets(invoice)
    assert invoice.kind is InvoiceKind.INVOICE

    t0 = time.perf_counter()
    pdf = render_invoice(invoice, tickets, labels)
    first_ms = (time.perf_counter() - t0) * 1000
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    if args.out:
        args.out.write_bytes(pdf)

    rows: dict[str, tuple[list[float], list[float]]] = {}
    rows["render"] = timed(lambda: render_invoice(invoice, tickets, labels), args.runs)

    checked = Wording(checked_labels(labels), invoice.language)
    pairs = _ticket_lines(invoice, tickets)
    rows["  drawing"] = timed(lambda: _draw(invoice, pairs, checked, fonts.LEAN), args.runs)
    drawn: list[FPDF] = []
    for _ in range(args.runs + 2):
        drawn.append(_draw(invoice, pairs, checked, fonts.LEAN))
    rows["  output"] = timed(lambda: drawn.pop().output(), args.runs)

    greek = sample_invoice(tickets=4, movie="Ζορμπάς ο Έλλην")
    rows["full font (Greek title)"] = timed(lambda: render_invoice(greek, sample_tickets(greek), labels), max(10, args.runs // 10))
    rows["naive add_font per doc"] = timed(lambda: naive_render(invoice, tickets, checked), max(10, args.runs // 10))
    secrets = [t.secret for t in tickets]
    rows["4 QR: vector rects"] = timed(lambda: qr_pages(secrets, png=False), args.runs)
    rows["4 QR: PNG image"] = timed(lambda: qr_pages(secrets, png=True), args.runs)

    out = sys.stderr
    print(f"render_invoice, {len(invoice.lines)} tickets, {pages} pages, {len(pdf)} bytes; first render {first_ms:.1f} ms", file=out)
    print("| what | runs | median ms | p95 ms | CPU median ms |", file=out)
    print("| --- | ---: | ---: | ---: | ---: |", file=out)
    for name, (wall, cpu) in rows.items():
        print(f"| {name} | {len(wall)} | {statistics.median(wall):.1f} | {pct(wall, 95):.1f} | {statistics.median(cpu):.1f} |", file=out)

    wall, cpu = rows["render"]
    print(
        json.dumps(
            {
                "render_median_ms": round(statistics.median(wall), 1),
                "render_p95_ms": round(pct(wall, 95), 1),
                "render_cpu_median_ms": round(statistics.median(cpu), 1),
                "first_render_ms": round(first_ms, 1),
                "naive_median_ms": round(statistics.median(rows["naive add_font per doc"][0]), 1),
                "full_font_median_ms": round(statistics.median(rows["full font (Greek title)"][0]), 1),
                "pages": pages,
                "bytes": len(pdf),
            }
        )
    )


if __name__ == "__main__":
    main()
