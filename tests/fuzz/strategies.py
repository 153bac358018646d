"""Shared input generators: JSON and YAML values, id-like and code-like texts."""

from __future__ import annotations

import json
import string

from hypothesis import strategies as st

# Characters that fool naive digit checks: superscripts, Arabic-Indic and fullwidth
# digits, signs, separators, zero-width and line breaks.
TRICKY_CHARS = "0123456789²³¹١٢٣٠０１９⁰₁_-+. ,\n\t\r\u200b\u00a0\x00eE"
TRICKY_TEXTS = [
    "", "0", "00", "01", "1", "9", "-1", "+1", " 1", "1 ", "1\n", "1_000", "1.0", "1e3", "²", "١٢", "１２",
    str(2**31 - 1), str(2**31), str(2**63), "9" * 23, "9" * 40, "\x00", "\ud7ff", "NaN", "Infinity",
]

# Big integers on purpose: drivers, JSON numbers and Telegram's 52 bits all have limits.
big_ints = st.one_of(st.integers(), st.integers(min_value=-(2**200), max_value=2**200))
floats = st.floats(allow_nan=True, allow_infinity=True)
short_text = st.text(max_size=20)


def tricky_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Arbitrary text, weighted towards digit look-alikes and boundary numbers."""
    pieces = st.one_of(st.sampled_from(TRICKY_TEXTS), st.text(TRICKY_CHARS, max_size=12), short_text)
    return st.one_of(
        st.text(max_size=max_size),
        st.sampled_from(TRICKY_TEXTS),
        st.lists(pieces, min_size=1, max_size=4).map("".join),
    )


def json_values(keys: st.SearchStrategy[str] = short_text, max_leaves: int = 25) -> st.SearchStrategy[object]:
    leaves = st.one_of(st.none(), st.booleans(), big_ints, floats, tricky_text(30))
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=5) | st.dictionaries(keys, inner, max_size=5),
        max_leaves=max_leaves,
    )


def yaml_values(max_leaves: int = 25) -> st.SearchStrategy[object]:
    """What yaml.safe_dump writes: nested dicts and lists of str, int, float, bool, None
    (with scalar keys, as YAML allows)."""
    leaves = st.one_of(st.none(), st.booleans(), big_ints, st.floats(), tricky_text(30))
    keys = st.one_of(short_text, st.integers(), st.booleans())
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=5) | st.dictionaries(keys, inner, max_size=5),
        max_leaves=max_leaves,
    )


def json_text(values: st.SearchStrategy[object]) -> st.SearchStrategy[str]:
    # allow_nan: Python's json (and so the stripe SDK) reads NaN and Infinity.
    return values.map(lambda v: json.dumps(v, allow_nan=True))


def utf8_bodies() -> st.SearchStrategy[str]:
    """Text that encodes to valid UTF-8 (no lone surrogates): what a signer can sign."""
    # Hypothesis' text() leaves out surrogates by default.
    return st.one_of(st.text(max_size=200), st.text(string.printable, max_size=200))


ascii_word = st.text(string.ascii_letters + string.digits + "_-.", min_size=1, max_size=12)
