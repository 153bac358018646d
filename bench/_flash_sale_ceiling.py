"""The ceiling for bench/flash_sale.py: a bare aiogram bot in webhook mode.

No database, no Redis, no dialogs: every message gets one sendMessage and every
button press one editMessageText and one answerCallbackQuery. It is served the
way ``cinebooker serve`` serves CineBooker (aiohttp, SimpleRequestHandler with its
defaults, setWebhook with a secret and the default max_connections), so the gap
between the two is what CineBooker's own work costs.

    python bench/_flash_sale_ceiling.py --api URL --token TOKEN --secret S

Prints ``READY http://127.0.0.1:PORT`` once the webhook is set; stops on SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import signal

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

WEBHOOK_PATH = "/telegram/webhook"

# The labels a CineBooker customer presses, so the same scripts drive both bots.
KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[
        [InlineKeyboardButton(text="⭐2", callback_data="b2")],
        [InlineKeyboardButton(text="Continue ➡", callback_data="cn")],
        [InlineKeyboardButton(text="✅ Book and pay", callback_data="pay")],
    ]
)


def build_router() -> Router:
    router = Router(name="ceiling")

    @router.message()
    async def on_message(message: Message, bot: Bot) -> None:
        await bot.send_message(message.chat.id, f"Rows A–J, update {message.message_id}", reply_markup=KEYBOARD)

    @router.callback_query()
    async def on_callback(callback: CallbackQuery, bot: Bot) -> None:
        message = callback.message
        if message is not None:
            # Edit first, answer second: aiogram-dialog's order, so "the first call
            # after a press" is the same kind of call on both sides.
            await bot.edit_message_text(
                text=f"Pressed {callback.data} ({callback.id})",
                chat_id=message.chat.id,
                message_id=message.message_id,
                reply_markup=KEYBOARD,
            )
        await callback.answer()

    return router


async def main(args: argparse.Namespace) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(args.api.rstrip("/")))
    bot = Bot(args.token, session=session)
    dispatcher = Dispatcher()
    dispatcher.include_router(build_router())
    app = web.Application()
    SimpleRequestHandler(dispatcher, bot, secret_token=args.secret).register(app, path=WEBHOOK_PATH)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        url = f"http://{host}:{port}"
        await bot.set_webhook(
            url + WEBHOOK_PATH,
            secret_token=args.secret,
            allowed_updates=dispatcher.resolve_used_update_types(),
        )
        print(f"READY {url}", flush=True)
        await stop.wait()
    finally:
        await runner.cleanup()
        await bot.session.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", required=True, help="the playground's base URL")
    parser.add_argument("--token", required=True)
    parser.add_argument("--secret", required=True)
    asyncio.run(main(parser.parse_args()))
