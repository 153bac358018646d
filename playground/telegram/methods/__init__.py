"""The Bot API methods the playground serves, by name (case-insensitive, as Telegram)."""

from __future__ import annotations

from playground.telegram.methods import editing, messages, meta, updates
from playground.telegram.methods.base import Call, Handler

METHODS: dict[str, Handler] = {
    name.lower(): handler
    for module in (messages, editing, meta, updates)
    for name, handler in module.HANDLERS.items()
}
NAMES: dict[str, str] = {
    name.lower(): name
    for module in (messages, editing, meta, updates)
    for name in module.HANDLERS
}


def find_method(name: str) -> tuple[str, Handler] | None:
    """The canonical name and handler of a method, or None for an unknown one."""
    key = name.lower()
    if key not in METHODS:
        return None
    return NAMES[key], METHODS[key]


__all__ = ["Call", "Handler", "find_method"]
