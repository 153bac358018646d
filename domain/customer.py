"""A customer is a Telegram user who talked to the bot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True)
class Customer:
    telegram_id: int
    name: str
    language: str = "en"
    announcements: bool = False  # consent to showtime announcements
    created_at: datetime | None = None
    reminders: bool = True  # a reminder before each show, unless turned off
