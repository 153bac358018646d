"""Shared pieces of the playground tests: the token, a fake clock, a PNG maker."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from playground.telegram import TelegramServer

TOKEN = "424242:playground-test-token"
BOT_ID = 424242


class FakeClock:
    """The server's monotonic clock, moved by hand so flood tests need no sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Telegram:
    url: str
    server: TelegramServer
    clock: FakeClock


def make_bot(url: str, token: str = TOKEN) -> Bot:
    return Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(url)))


def png(width: int, height: int) -> bytes:
    """A valid PNG of the given size (the server reads its dimensions)."""
    rows = b"".join(b"\x00" + b"\x10\x20\x30" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))
