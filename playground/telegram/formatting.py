"""A message's text as Telegram stores it: explicit entities or a parse mode
applied (parse_modes.py), surrounding whitespace trimmed; and the bot_command
entity a client adds to a typed command.
"""

from __future__ import annotations

import re
from typing import Any

from playground.telegram.errors import UNSUPPORTED_PARSE_MODE, bad_request
from playground.telegram.parse_modes import (
    Entity,
    Formatted,
    parse_html,
    parse_markdown,
    parse_markdown_v2,
    utf16_len,
)


def format_text(text: str, parse_mode: str | None, entities: Any = None) -> Formatted:
    """Apply a parse mode (or explicit entities) and trim surrounding whitespace."""
    if isinstance(entities, list):
        # Explicit entities win over parse_mode, as in the Bot API.
        parsed = Formatted(text, [dict(e) for e in entities if isinstance(e, dict)])
    else:
        mode = (parse_mode or "").strip().lower()
        if not mode:
            parsed = Formatted(text, [])
        elif mode == "html":
            parsed = parse_html(text)
        elif mode == "markdownv2":
            parsed = parse_markdown_v2(text)
        elif mode == "markdown":
            parsed = parse_markdown(text)
        else:
            raise bad_request(UNSUPPORTED_PARSE_MODE)
    return _trim(parsed)


def command_entities(text: str) -> list[Entity]:
    """The bot_command entity a Telegram client adds to "/start payload"."""
    match = _COMMAND.match(text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}]


_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?=\s|$)")


def _trim(parsed: Formatted) -> Formatted:
    """Telegram drops leading and trailing whitespace; entities move with the text."""
    text = parsed.text
    stripped = text.strip()
    if stripped == text:
        return Formatted(text, _sorted(parsed.entities))
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    size = utf16_len(stripped)
    kept: list[Entity] = []
    for entity in parsed.entities:
        start = max(0, int(entity.get("offset", 0)) - shift)
        end = min(size, int(entity.get("offset", 0)) + int(entity.get("length", 0)) - shift)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return Formatted(stripped, _sorted(kept))


def _sorted(entities: list[Entity]) -> list[Entity]:
    return sorted(entities, key=lambda e: (e.get("offset", 0), -e.get("length", 0)))
