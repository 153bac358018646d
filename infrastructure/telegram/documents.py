"""Sending PDFs to a chat through the Bot API (upload once, then by file_id)."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BufferedInputFile

from domain.services.invoice_delivery import SentDocument


class TelegramDocumentSender:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def send_document(
        self, chat_id: int, *, filename: str, caption: str, data: bytes | None = None, file_id: str | None = None
    ) -> SentDocument:
        if (data is None) == (file_id is None):
            raise ValueError("send either the bytes or a file_id")
        document = file_id if file_id is not None else BufferedInputFile(data or b"", filename=filename)
        message = await self.bot.send_document(chat_id, document, caption=caption[:1024])
        if message.document is None:
            raise RuntimeError("the Bot API answered sendDocument without a document")
        return SentDocument(message.document.file_id, message.message_id)
