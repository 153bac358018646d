"""Bundled fonts (DejaVu, see LICENSE): Unicode text in pictures and PDFs."""

from pathlib import Path

FONTS_DIR = Path(__file__).parent
SANS = FONTS_DIR / "DejaVuSans.ttf"
SANS_BOLD = FONTS_DIR / "DejaVuSans-Bold.ttf"
