"""Keep aiogram's response models alive.

aiogram parses every Bot API answer with ``Response[method.__returning__]``, a
pydantic generic built on first use and cached only weakly by pydantic: after a
garbage collection it is built again, which costs about 3 ms per call (measured
here; seen in profiles of the bot and the worker). Holding one strong reference
per returning type keeps them built for the life of the process.
"""

from __future__ import annotations

from typing import Any

# The methods CineBooker calls; building every method's type would take seconds.
USED = (
    "SendMessage", "SendPhoto", "SendDocument", "EditMessageText", "EditMessageMedia",
    "EditMessageCaption", "EditMessageReplyMarkup", "AnswerCallbackQuery", "DeleteMessage",
    "SendChatAction", "GetMe", "GetUpdates", "SetWebhook", "DeleteWebhook", "SetMyCommands",
)
_kept: list[Any] = []


def keep_response_types() -> int:
    """Build and hold ``Response[T]`` for the returning type of every method the
    bot uses; returns how many types are held. Idempotent."""
    if _kept:
        return len(_kept)
    import aiogram.methods as methods
    from aiogram.methods.base import Response

    seen: dict[str, Any] = {}
    for name in USED:
        returning = getattr(methods, name).__returning__
        seen.setdefault(repr(returning), returning)
    _kept.extend(Response[returning] for returning in seen.values())
    return len(_kept)
