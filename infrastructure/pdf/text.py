"""Fitting text into the PDF layout: single lines that shrink, and values that wrap.

fpdf2 positions text by its baseline with ``FPDF.text``, which is several times
cheaper than ``cell``; alignment, shrinking and wrapping are done here instead.
Formats (money, dates, rates) are not made here: domain/formats.py is their home.

A value the reader needs whole (a movie title, a hall, a seller's address) is
wrapped, never cut: ``lines`` breaks at spaces, and inside a word only when the
word alone is wider than the column. Only labels, which come from our own
translations, may be shrunk and then cut (``fit``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from fpdf import FPDF
from fpdf.fonts import TTFFont

from infrastructure.pdf.fonts import FAMILY

ELLIPSIS = "\u2026"


def as_utc(moment: datetime) -> datetime:
    """Domain times are UTC; a naive one is taken as UTC, never as the server's zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


class Pen:
    """Writes text at baselines, in the document's one family."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf

    def font(self, size: float, bold: bool = False) -> None:
        self.pdf.set_font(FAMILY, "B" if bold else "", size)

    @property
    def size(self) -> float:
        return self.pdf.font_size_pt

    @property
    def bold(self) -> bool:
        return "B" in self.pdf.font_style

    def width(self, text: str) -> float:
        # The font's own advance widths, as get_string_width would sum them, without
        # its bidi and markdown passes (a third of the drawing time): the layouts use
        # neither, nor character spacing or stretching.
        font = self.pdf.current_font
        assert isinstance(font, TTFFont)
        return font.get_text_width(text, self.pdf.font_size_pt, None)[1] / self.pdf.k

    def write(self, x: float, y: float, text: str, align: str = "L", width: float = 0.0) -> None:
        """Text at baseline ``y``; with ``width``, aligned in [x, x + width] ("L", "R")."""
        if align == "R":
            x = x + width - self.width(text)
        self.pdf.text(x, y, text)

    def fit(self, x: float, y: float, text: str, width: float, align: str = "L", min_size: float = 6.0) -> None:
        """One line within ``width``: first a smaller size (down to ``min_size``),
        then cut with an ellipsis. For labels and amounts, not for values that wrap."""
        size, bold = self.size, self.bold
        natural = self.width(text)
        if natural <= width:
            self.write(x, y, text, align, width)
            return
        # Rounded down to 0.1 pt so the shrunk text is surely inside the width.
        self.font(max(min_size, int(size * width / natural * 10) / 10), bold)
        self.write(x, y, self.cut(text, width), align, width)
        self.font(size, bold)

    def cut(self, text: str, width: float) -> str:
        """``text``, or its longest start that fits ``width`` with an ellipsis."""
        if self.width(text) <= width:
            return text
        room = width - self.width(ELLIPSIS)
        used = 0.0
        for end, char in enumerate(text):
            used += self.width(char)
            if used > room:
                return text[:end].rstrip() + ELLIPSIS
        return text  # not reached: the whole text is wider than width

    def lines(self, text: str, width: float) -> list[str]:
        """``text`` in lines within ``width`` at the current size, every character
        kept: broken at spaces and at its own line breaks, and a word wider than
        the column broken where it reaches the edge."""
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            line = ""
            for word in paragraph.split():
                candidate = f"{line} {word}" if line else word
                if self.width(candidate) <= width:
                    line = candidate
                    continue
                if line:
                    lines.append(line)
                pieces = self._broken(word, width)
                lines.extend(pieces[:-1])
                line = pieces[-1]
            lines.append(line)
        return lines

    def _broken(self, word: str, width: float) -> list[str]:
        pieces: list[str] = []
        piece = ""
        for char in word:
            if piece and self.width(piece + char) > width:
                pieces.append(piece)
                piece = ""
            piece += char
        pieces.append(piece)
        return pieces

    def shrink_to(self, text: str, width: float, max_lines: int, min_size: float) -> list[str]:
        """Sets the largest size, from the current one down to ``min_size`` in
        half points, at which ``text`` takes at most ``max_lines``; below that it
        takes more lines rather than lose a word. Returns the lines."""
        bold = self.bold
        size = self.size
        while True:
            lines = self.lines(text, width)
            if len(lines) <= max_lines or size - 0.5 < min_size:
                return lines
            size -= 0.5
            self.font(size, bold)

    def block(self, x: float, y: float, lines: list[str], leading: float) -> float:
        """``lines`` from baseline ``y`` down; the baseline of the last one."""
        for index, line in enumerate(lines):
            if index:
                y += leading
            self.write(x, y, line)
        return y
