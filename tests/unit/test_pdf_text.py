"""Line fitting of the PDF layout (infrastructure/pdf/text.py); formats are
domain/formats.py's (tests/unit/test_formats.py and the rendered PDFs)."""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.formats import percent_text
from infrastructure.pdf import fonts
from infrastructure.pdf.page import new_pdf
from infrastructure.pdf.text import ELLIPSIS, Pen, as_utc


@pytest.mark.parametrize(
    ("basis_points", "english", "russian"),
    [(2000, "20%", "20\xa0%"), (0, "0%", "0\xa0%"), (750, "7.5%", "7,5\xa0%"), (1925, "19.25%", "19,25\xa0%"),
     (5, "0.05%", "0,05\xa0%"), (10000, "100%", "100\xa0%")],
)
def test_vat_rates_keep_their_decimals_in_each_locale(basis_points: int, english: str, russian: str) -> None:
    assert percent_text(basis_points, "en") == english and percent_text(basis_points, "ru") == russian


def test_naive_times_are_utc() -> None:
    assert as_utc(datetime(2026, 12, 1, 18, 0)).utcoffset().total_seconds() == 0


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


def test_lines_break_at_spaces_and_keep_every_word(pen: Pen) -> None:
    text = "one two three four five six seven eight nine ten"
    lines = pen.lines(text, 25)
    assert len(lines) > 2 and all(pen.width(line) <= 25 for line in lines)
    assert " ".join(lines) == text
    assert pen.lines("Karl-Marx-Allee 1\n10178 Berlin", 80) == ["Karl-Marx-Allee 1", "10178 Berlin"]


def test_a_word_wider_than_the_column_is_broken_at_its_edge(pen: Pen) -> None:
    word = "Donaudampfschifffahrtsgesellschaftskapitänsmütze"
    lines = pen.lines(f"Die {word} ist da", 30)
    assert "".join(lines).replace(" ", "") == f"Die{word}istda"
    assert all(pen.width(line) <= 30 for line in lines)
    assert lines[0] == "Die"  # the long word starts its own line rather than squeeze in
    # Each piece of the word is as long as the column allows.
    assert all(pen.width(line + after[0]) > 30 for line, after in zip(lines[1:-1], lines[2:]))


def test_shrink_to_takes_the_largest_size_within_the_lines_allowed(pen: Pen) -> None:
    title = "Тот самый Мюнхгаузен: полная реставрированная версия в двух сериях"
    pen.font(15, bold=True)
    lines = pen.shrink_to(title, 60, max_lines=3, min_size=9)
    assert len(lines) <= 3 and " ".join(lines) == title and pen.size < 15 and pen.bold
    larger = pen.size + 0.5
    pen.font(larger, bold=True)
    assert len(pen.lines(title, 60)) > 3  # half a point more and it would not fit
    pen.font(15, bold=True)
    many = pen.shrink_to(title, 40, max_lines=2, min_size=12)  # cannot: more lines at the smallest size
    assert pen.size == 12 and len(many) > 2 and "".join(many).replace(" ", "") == title.replace(" ", "")
