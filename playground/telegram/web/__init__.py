"""The browser web chat of the Telegram playground: static files and their routes."""

from playground.telegram.web.routes import setup_webchat

__all__ = ["setup_webchat"]
