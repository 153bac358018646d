"""A stand-in for Telegram's Bot API server, for running and testing bots offline.

Imports nothing from the application: bots talk to it over HTTP only.
"""

from playground.telegram.app import (
    SERVER_KEY,
    create_telegram_app,
    run_telegram_server,
    serve,
    setup_telegram,
)
from playground.telegram.errors import ApiError
from playground.telegram.limits import Limits
from playground.telegram.state import TelegramServer
from playground.telegram.web import setup_webchat

__all__ = [
    "SERVER_KEY",
    "ApiError",
    "Limits",
    "TelegramServer",
    "create_telegram_app",
    "run_telegram_server",
    "serve",
    "setup_telegram",
    "setup_webchat",
]
