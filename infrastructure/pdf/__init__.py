"""PDF invoices and tickets with fpdf2, DejaVu and segno (see docs/invoices.md)."""

from infrastructure.pdf.fonts import warm_up
from infrastructure.pdf.invoice import render_invoice
from infrastructure.pdf.labels import LABEL_KEYS, MissingLabelsError

__all__ = ["LABEL_KEYS", "MissingLabelsError", "render_invoice", "warm_up"]
