"""Small text tools for the PDF layout: formats and fitting text into a width.

fpdf2 positions text by its baseline with ``FPDF.text``, which is several times
cheaper than ``cell``; alignment, shrinking and wrapping are done here instead.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from fpdf import FPDF
from fpdf.fonts import TTFFont

from infrastructure.pdf.fonts import FAMILY

ELLIPSIS = "\u2026"
DATE = "%Y-%m-%d"  # ISO: the same in every language the bot speaks
DATE_TIME = "%Y-%m-%d %H:%M"


def as_utc(moment: datetime) -> datetime:
    """Domain times are UTC; a naive one is taken as UTC, never as the server's zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def local(moment: datetime, zone: str) -> datetime:
    return as_utc(moment).astimezone(ZoneInfo(zone))


def vat_rate(basis_points: int) -> str:
    """2000 -> "20%", 750 -> "7.5%", 1925 -> "19.25%" (integers only, no float rounding)."""
    whole, hundredths = divmod(basis_points, 100)
    if hundredths == 0:
        return f"{whole}%"
    return f"{whole}.{hundredths:02d}".rstrip("0") + "%"


class Pen:
    """Writes single lines of text at baselines, in the document's one family."""

    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf

    def font(self, size: float, bold: bool = False) -> None:
        self.pdf.set_font(FAMILY, "B" if bold else "", size)

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
        then cut with an ellipsis."""
        size = self.pdf.font_size_pt
        natural = self.width(text)
        if natural <= width:
            self.write(x, y, text, align, width)
            return
        bold = "B" in self.pdf.font_style
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

    def wrap(self, text: str, width: float, max_lines: int) -> list[str]:
        """``text`` broken at spaces (and at its own line breaks) into lines within
        ``width`` at the current size; the last allowed line ends in an ellipsis
        when text is left over."""
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            line = ""
            for word in paragraph.split():
                candidate = f"{line} {word}" if line else word
                if line and self.width(candidate) > width:
                    lines.append(line)
                    line = word
                else:
                    line = candidate
            lines.append(line)
        if len(lines) > max_lines:
            lines = lines[:max_lines]
            lines[-1] = lines[-1] + ELLIPSIS
        # cut: a single word wider than the column (a long title without spaces).
        return [self.cut(line, width) for line in lines]
