"""Where each invoice's time goes in bench/invoices.py, from timestamps the
pipeline writes anyway: the bench's enqueue time, the worker's issued_at,
stored_at, sent_at and outbox done_at (one machine, one clock), and the
playground's time of the accepted sendDocument. No production code is touched.
"""

from __future__ import annotations

import statistics
from typing import Any

from sqlalchemy import text

from bench._invoices_render import percentile
from infrastructure.db.engine import create_engine

# The worker records "stored" and "sent" in one transaction after the document
# went out (domain/services/invoice_delivery.py), so "stored" is no phase of its own.
PHASES = (
    ("queued -> issued (queue, pickup, issue transaction)", "queued", "issued"),
    ("issued -> document (commit, reload, render, S3 put, sendDocument upload)", "issued", "document"),
    ("document -> sent (Bot API answer, mark stored and sent)", "document", "sent"),
    ("sent -> done (commit, outbox done)", "sent", "done"),
)


async def invoice_times(database_url: str) -> dict[int, dict[str, float]]:
    """Customer -> the worker's timestamps of its invoice (epoch seconds)."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(text(
                "SELECT i.customer_id, i.issued_at, i.stored_at, i.sent_at, o.done_at FROM invoices i"
                " JOIN outbox o ON o.job = 'invoices.issue' AND (o.payload->>'booking_id')::int = i.booking_id"
            ))).all()
    finally:
        await engine.dispose()
    return {
        int(r[0]): {name: t.timestamp() for name, t in zip(("issued", "stored", "sent", "done"), r[1:]) if t}
        for r in rows
    }


def phase_table(
    times: dict[int, dict[str, float]], queued: dict[int, float], documents: dict[int, float]
) -> dict[str, Any]:
    """Median and p95 milliseconds of each phase over the measured invoices."""
    table: dict[str, Any] = {}
    for label, start, end in PHASES:
        spans = []
        for chat, at in queued.items():
            marks = {**times.get(chat, {}), "queued": at}
            if chat in documents:
                marks["document"] = documents[chat]
            if start in marks and end in marks:
                spans.append(1000 * (marks[end] - marks[start]))
        if spans:
            table[label] = {"p50_ms": round(statistics.median(spans), 1), "p95_ms": round(percentile(spans, 95), 1)}
    return table
