"""The words printed on invoices and tickets, all supplied by the caller.

The renderer knows no language: the translation layer passes every user-facing
text under the keys below (the Fluent files define one message per key), the
names of ticket types, and the locale that money, dates and rates are written in
(through domain/formats.py). Values are printed as given; numbers, dates and
amounts are appended after a space, e.g. "cancels" + " CB-2026-000001", "vat" + " 20%".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

LABEL_KEYS: tuple[str, ...] = (
    "invoice-title",  # "Invoice"
    "cancellation-title",  # "Cancellation invoice"
    "cancels",  # "cancels No." followed by the original's number
    "number",  # "No."
    "date",  # "Date"
    "seller",  # "Seller"
    "buyer",  # "Buyer"
    "vat-id",  # "VAT ID", before a party's VAT number
    "movie",
    "showtime",
    "hall",
    "seat",
    "ticket-type",
    "price",
    "discount",
    "total",  # "Total incl. VAT"
    "net",  # "Net"
    "vat",  # "VAT", followed by the rate: "VAT 20%"
    "prices-include-vat",  # the note under the totals
    "ticket-title",  # "Ticket"
    "booking",  # "Booking", followed by the booking number
    "promo-code",  # "Promo code", followed by the code whose discount applied
)


class MissingLabelsError(KeyError):
    """The labels passed to the renderer lack some of ``LABEL_KEYS``."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(missing)
        self.missing = missing

    def __str__(self) -> str:
        return f"labels for the PDF invoice are missing: {', '.join(self.missing)} (see LABEL_KEYS)"


def checked_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """The labels as a plain dict, or MissingLabelsError naming every missing or empty key."""
    missing = [key for key in LABEL_KEYS if not labels.get(key)]
    if missing:
        raise MissingLabelsError(missing)
    return {key: labels[key] for key in LABEL_KEYS}


@dataclass(frozen=True, slots=True)
class Wording:
    """Everything a document says in its reader's language."""

    labels: dict[str, str]  # checked: every key of LABEL_KEYS
    locale: str  # money, dates and rates follow it ("6,00 €" in "ru")
    ticket_types: Mapping[str, str] = field(default_factory=dict)  # code -> name

    def __getitem__(self, key: str) -> str:
        return self.labels[key]

    def ticket_type(self, code: str) -> str:
        """A ticket type's name; its code where none was given (a type the
        translations do not know)."""
        return self.ticket_types.get(code) or code
