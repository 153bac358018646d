"""Checks of reply markup, text sizes and bot commands, with Telegram's error texts."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from playground.telegram import errors as e
from playground.telegram.errors import bad_request
from playground.telegram.limits import Limits

# Exactly one of these makes an inline button do something.
_INLINE_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")


@dataclass(frozen=True)
class Markup:
    """A validated reply_markup: `inline` goes on the message, the rest is chat state."""

    kind: str  # "inline", "keyboard", "remove", "force_reply"
    data: dict[str, Any] | None

    @property
    def inline(self) -> dict[str, Any] | None:
        return self.data if self.kind == "inline" else None


def compact(value: Any) -> Any:
    """Drop nulls, as Telegram does when it stores an object."""
    if isinstance(value, dict):
        return {k: compact(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [compact(v) for v in value]
    return value


def check_markup(raw: Any, limits: Limits, *, inline_only: bool = False) -> Markup | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise bad_request(e.MARKUP_UNPARSABLE)
    markup = compact(raw)
    if "inline_keyboard" in markup:
        return _check_inline(markup, limits)
    if inline_only:
        raise bad_request(e.INLINE_KEYBOARD_EXPECTED)
    if "keyboard" in markup:
        _check_reply_keyboard(markup, limits)
        return Markup("keyboard", markup)
    if markup.get("remove_keyboard"):
        return Markup("remove", markup)
    if markup.get("force_reply"):
        return Markup("force_reply", markup)
    raise bad_request(e.MARKUP_UNPARSABLE)


def _check_inline(markup: dict[str, Any], limits: Limits) -> Markup:
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays')
    rows = [row for row in rows if row]
    total = 0
    for row in rows:
        if len(row) > limits.max_inline_buttons_per_row:
            raise bad_request(e.ROW_TOO_LONG)
        total += len(row)
        for button in row:
            _check_inline_button(button, limits)
    if total > limits.max_inline_buttons:
        raise bad_request(e.MARKUP_TOO_LONG)
    if _size(markup) > limits.max_reply_markup_bytes:
        raise bad_request(e.MARKUP_TOO_LONG)
    if not rows:
        return Markup("inline", None)  # an empty keyboard removes the keyboard
    return Markup("inline", {**markup, "inline_keyboard": rows})


def _check_inline_button(button: Any, limits: Limits) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(e.BUTTON_TEXT_MISSING)
    actions = [name for name in _INLINE_ACTIONS if name in button]
    if not actions:
        raise bad_request(e.BUTTON_WITHOUT_ACTION)
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str):
            raise bad_request(e.BUTTON_DATA_INVALID)
        size = len(data.encode("utf-8"))
        if size < 1 or size > limits.max_callback_data_bytes:
            raise bad_request(e.BUTTON_DATA_INVALID)
    if "url" in button and not _valid_url(button["url"]):
        raise bad_request(e.BUTTON_URL_INVALID)


def _valid_url(url: Any) -> bool:
    if not isinstance(url, str) or not url:
        return False
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        return bool(parts.hostname)
    return parts.scheme == "tg"


def _check_reply_keyboard(markup: dict[str, Any], limits: Limits) -> None:
    rows = markup["keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays')
    total = 0
    for row in rows:
        if len(row) > limits.max_reply_buttons_per_row:
            raise bad_request(e.MARKUP_TOO_LONG)
        total += len(row)
        for button in row:
            text = button if isinstance(button, str) else (button or {}).get("text")
            if not isinstance(text, str):
                raise bad_request("can't parse keyboard button: Field \"text\" must be of type String")
    if total > limits.max_reply_buttons or _size(markup) > limits.max_reply_markup_bytes:
        raise bad_request(e.MARKUP_TOO_LONG)


def _size(markup: dict[str, Any]) -> int:
    return len(json.dumps(markup, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def callback_data_of(markup: dict[str, Any] | None) -> list[str]:
    """Every callback_data a client could send from this inline keyboard."""
    if not markup:
        return []
    return [
        button["callback_data"]
        for row in markup.get("inline_keyboard", [])
        for button in row
        if isinstance(button, dict) and "callback_data" in button
    ]


def check_text(text: str, limits: Limits) -> None:
    if not text:
        raise bad_request(e.TEXT_EMPTY)
    if limits.text_length(text) > limits.max_text_length:
        raise bad_request(e.TEXT_TOO_LONG)


def check_caption(caption: str | None, limits: Limits) -> None:
    if caption and limits.text_length(caption) > limits.max_caption_length:
        raise bad_request(e.CAPTION_TOO_LONG)


def check_commands(raw: Any, limits: Limits) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        raise bad_request("can't parse commands JSON object")
    if len(raw) > limits.max_commands:
        raise bad_request(e.COMMANDS_TOO_MUCH)
    commands: list[dict[str, str]] = []
    for item in raw:
        if not isinstance(item, dict):
            raise bad_request("can't parse BotCommand JSON object")
        command = str(item.get("command", "")).lstrip("/")
        description = str(item.get("description", ""))
        if not _COMMAND.match(command):
            raise bad_request(e.COMMAND_INVALID)
        if not 1 <= len(description) <= 256:
            raise bad_request(e.COMMAND_DESCRIPTION_INVALID)
        commands.append({"command": command, "description": description})
    return commands
