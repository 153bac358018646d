"""A window whose picture Telegram will not take is shown without it.

aiogram-dialog sends a window with a picture (the seat map's hall, a poster)
through its message manager: sendPhoto, or editMessageMedia when the message
is edited. Telegram may refuse the picture ("Bad Request: IMAGE_PROCESS_FAILED",
"PHOTO_INVALID_DIMENSIONS", a URL it cannot fetch), the upload may time out, or
the file may be gone from the disk. The window's text and keyboard are what the
customer needs, so the manager then shows the window as text: the step goes on,
one warning line is logged, and pictures are left out for a minute, so that
while Telegram refuses them no click pays for a second failed upload.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError
from aiogram.types import Message
from aiogram_dialog.api.entities import NewMessage, OldMessage

from dialogs.answers import AnsweringMessageManager

log = logging.getLogger(__name__)

UPLOAD_TIMEOUT_S = 8.0  # the click is answered after the window is shown; Telegram waits ~15 s
PAUSE_S = 60.0

# Refusals about the message, not the picture: aiogram-dialog handles these
# itself (sends anew, or leaves the message as it is).
_ABOUT_THE_MESSAGE = (
    "message is not modified",
    "message can't be edited",
    "message to edit not found",
    "MESSAGE_ID_INVALID",
)


class PictureRefused(Exception):
    """Telegram did not take a window's picture: why, in Telegram's words."""


class PictureFallbackMessageManager(AnsweringMessageManager):
    def __init__(
        self, *, upload_timeout_s: float = UPLOAD_TIMEOUT_S, pause_s: float = PAUSE_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.upload_timeout_s = upload_timeout_s
        self.pause_s = pause_s
        self._clock = clock
        self._paused_until = float("-inf")

    async def show_message(self, bot: Bot, new_message: NewMessage, old_message: OldMessage | None) -> OldMessage:
        # The manager that called us saves the picture's file_id after a show
        # unless the message has no media: so the picture is taken off the
        # message itself, not off a copy, whenever it is left out.
        if new_message.media is not None and self._clock() < self._paused_until:
            new_message.media = None
        if new_message.media is None:
            return await super().show_message(bot, new_message, old_message)
        try:
            return await super().show_message(bot, new_message, old_message)
        except PictureRefused as refused:
            self._paused_until = self._clock() + self.pause_s
            log.warning("picture refused, windows shown without pictures for %.0f s: %s", self.pause_s, refused)
            new_message.media = None
            return await super().show_message(bot, new_message, old_message)

    async def send_media(self, bot: Bot, new_message: NewMessage) -> Message:
        return await self._upload(super().send_media(bot, new_message))

    async def edit_media(self, bot: Bot, new_message: NewMessage, old_message: OldMessage) -> Message:
        return await self._upload(super().edit_media(bot, new_message, old_message))

    async def _upload(self, call: Awaitable[Message]) -> Message:
        try:
            return await asyncio.wait_for(call, self.upload_timeout_s)
        except TelegramBadRequest as err:
            if any(reason in err.message for reason in _ABOUT_THE_MESSAGE):
                raise
            raise PictureRefused(err.message) from err
        except TimeoutError as err:
            raise PictureRefused(f"no answer within {self.upload_timeout_s:g} s") from err
        except TelegramNetworkError as err:  # a timeout of aiogram's own, a request too large
            raise PictureRefused(err.message) from err
        except OSError as err:  # the file went missing between drawing and sending
            raise PictureRefused(f"{type(err).__name__}: {err}") from err
