"""Formats and line fitting of the PDF layout (infrastructure/pdf/text.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from infrastructure.pdf import fonts
from infrastructure.pdf.page import new_pdf
from infrastructure.pdf.text import ELLIPSIS, Pen, local, vat_rate


@pytest.mark.parametrize(
    ("basis_points", "shown"),
    [(2000, "20%"), (0, "0%"), (750, "7.5%"), (1925, "19.25%"), (5, "0.05%"), (10000, "100%")],
)
def test_vat_rate(basis_points: int, shown: str) -> None:
    assert vat_rate(basis_points) == shown


def test_times_are_shown_in_the_cinemas_zone_and_naive_ones_are_utc() -> None:
    assert local(datetime(2026, 7, 1, 18, 0, tzinfo=UTC), "Europe/Berlin").hour == 20  # summer time
    assert local(datetime(2026, 12, 1, 18, 0), "Europe/Berlin").hour == 19  # naive = UTC, winter time


@pytest.fixture
def pen() -> Pen:
    pdf = new_pdf()
    fonts.attach(pdf)
    pdf.add_page()
    pen = Pen(pdf)
    pen.font(10)
    return pen


def test_cut_keeps_the_longest_start_that_fits(pen: Pen) -> None:
    text = "Once Upon a Time in the West"
    assert pen.cut(text, 200) == text
    cut = pen.cut(text, 20)
    assert cut.endswith(ELLIPSIS) and text.startswith(cut[:-1])
    assert pen.width(cut) <= 20
    assert pen.width(text[: len(cut)] + ELLIPSIS) > 20  # one more character would not fit


def test_wrap_breaks_at_spaces_and_marks_what_does_not_fit(pen: Pen) -> None:
    lines = pen.wrap("one two three four five six seven eight nine ten", 25, max_lines=2)
    assert len(lines) == 2 and all(pen.width(line) <= 25 for line in lines)
    assert lines[0].startswith("one two") and lines[-1].endswith(ELLIPSIS)
    assert pen.wrap("Karl-Marx-Allee 1\n10178 Berlin", 80, max_lines=4) == ["Karl-Marx-Allee 1", "10178 Berlin"]
