"""Parse modes: plain text, entities (UTF-16 offsets) and Telegram's parse errors."""

from __future__ import annotations

import pytest

from playground.telegram.errors import ApiError
from playground.telegram.formatting import command_entities, format_text


def spans(text: str, mode: str) -> tuple[str, list[tuple[str, int, int]]]:
    parsed = format_text(text, mode)
    return parsed.text, [(e["type"], e["offset"], e["length"]) for e in parsed.entities]


def test_html() -> None:
    assert spans("<b>Dune</b> at <i>20:00</i> &lt;3", "HTML") == (
        "Dune at 20:00 <3", [("bold", 0, 4), ("italic", 8, 5)])
    parsed = format_text('<a href="https://x.org/?a=1&amp;b=2">pay</a>', "HTML")
    assert parsed.entities == [{"type": "text_link", "offset": 0, "length": 3,
                                "url": "https://x.org/?a=1&b=2"}]
    parsed = format_text('<pre><code class="language-python">x = 1</code></pre>', "HTML")
    assert parsed.entities == [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]


def test_offsets_count_utf16_units() -> None:
    assert spans("🎬 <b>Hall</b>", "HTML") == ("🎬 Hall", [("bold", 3, 4)])


def test_markdown_v2() -> None:
    assert spans(r"*Seat* _A1_ costs 9\.50 \(EUR\)", "MarkdownV2") == (
        "Seat A1 costs 9.50 (EUR)", [("bold", 0, 4), ("italic", 5, 2)])
    assert spans("__u__ ~s~ ||p|| `c\\`` [l](https://x.org/a\\)b)", "MarkdownV2")[1] == [
        ("underline", 0, 1), ("strikethrough", 2, 1), ("spoiler", 4, 1), ("code", 6, 2),
        ("text_link", 9, 1)]


def test_legacy_markdown() -> None:
    assert spans("*b* _i_ `c` [t](http://x)", "Markdown") == (
        "b i c t", [("bold", 0, 1), ("italic", 2, 1), ("code", 4, 1), ("text_link", 6, 1)])


@pytest.mark.parametrize(("text", "mode", "reason"), [
    ("1.5", "MarkdownV2", "Character '.' is reserved and must be escaped with the preceding '\\'"),
    ("*open", "MarkdownV2", "Can't find end of Bold entity at byte offset 0"),
    ("<b>x", "HTML", 'Can\'t find end tag corresponding to start tag "b"'),
    ("é<br>", "HTML", 'Unsupported start tag "br" at byte offset 2'),
    ("<b>x</i>", "HTML", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    ("a_b", "Markdown", "Can't find end of the entity starting at byte offset 1"),
])
def test_parse_errors(text: str, mode: str, reason: str) -> None:
    with pytest.raises(ApiError) as refused:
        format_text(text, mode)
    assert refused.value.description == f"Bad Request: can't parse entities: {reason}"


def test_whitespace_is_trimmed_and_entities_follow() -> None:
    assert spans("  <b>x</b> ", "HTML") == ("x", [("bold", 0, 1)])


def test_unknown_parse_mode() -> None:
    with pytest.raises(ApiError, match="unsupported parse_mode"):
        format_text("x", "BBCode")


def test_command_entities() -> None:
    assert command_entities("/start abc") == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert command_entities("/book@cinebooker_bot") == [
        {"type": "bot_command", "offset": 0, "length": 20}]
    assert command_entities("hello /start") == []
