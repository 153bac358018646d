"""The seat map without its picture: when Telegram refuses the picture, when the
upload times out, when it cannot be drawn or kept. The customer still gets the
seat map's text and keyboard and books on; one warning line is logged."""

from __future__ import annotations

import logging
from pathlib import Path

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ContentType
from aiogram.types import Chat, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram_dialog.api.entities import MediaAttachment, NewMessage

from bot.settings import Settings
from dialogs.picture_fallback import PictureFallbackMessageManager
from tests.e2e.conftest import TOKEN, running_bot, settings_for
from tests.e2e.flows import free_seat_buttons, open_seat_map, press, tap_seat
from tests.playground.helpers import png

WARNINGS_FROM = ("dialogs.picture_fallback", "infrastructure.render.cache")


def with_cache_dir(settings: Settings, directory: Path) -> Settings:
    return settings.model_copy(update={"cache_dir": str(directory)})


def picture_warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name in WARNINGS_FROM and r.levelno == logging.WARNING]


def errors(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


async def book_a_seat_without_a_picture(client, customer) -> None:
    """Seat map, one seat held, on to the summary: never a photo, never an error."""
    shown = await open_seat_map(client, customer)
    assert shown["photo"] is None and shown["text"]
    answer = await tap_seat(client, customer, shown, free_seat_buttons(shown)[0])
    assert "is yours" in answer["text"]
    held = await client.wait_for_text(customer["id"], "Your seats:")
    assert held["photo"] is None
    await press(client, customer, "Continue ➡", wait_for="Total:")
    transcript = await client.transcript(customer["id"])
    assert not any("went wrong" in (m["text"] or m["caption"] or "") for m in transcript)


async def test_telegram_refuses_the_picture_and_the_customer_books_on(playground, cinema_db, tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    url, client, _ = playground
    await client.set_faults(refuse_photos=True)
    async with running_bot(with_cache_dir(settings_for(cinema_db, url), tmp_path / "cache")):
        ann = await client.create_user("Ann", language_code="en")
        await book_a_seat_without_a_picture(client, ann)
    # The picture was drawn and offered once (the seat map is an edit of the
    # movie's message); refused, it was not offered again for each click.
    assert list((tmp_path / "cache" / "halls").glob("*.png"))
    photo_calls = [c for c in await client.calls() if c["method"] in ("sendPhoto", "editMessageMedia")]
    assert [c["description"] for c in photo_calls] == ["Bad Request: IMAGE_PROCESS_FAILED"]
    assert (await client.faults())["photos_refused"] == 1
    [warning] = picture_warnings(caplog)
    assert "IMAGE_PROCESS_FAILED" in warning
    assert errors(caplog) == []


async def test_a_picture_that_cannot_be_kept_leaves_the_seat_map_without_it(playground, cinema_db, tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    url, client, _ = playground
    blocker = tmp_path / "a-file"
    blocker.write_text("where the picture cache's directory should be")
    async with running_bot(with_cache_dir(settings_for(cinema_db, url), blocker / "cache")):
        bob = await client.create_user("Bob", language_code="en")
        await book_a_seat_without_a_picture(client, bob)
    assert not [c for c in await client.calls() if c["method"] in ("sendPhoto", "editMessageMedia")]
    [warning] = picture_warnings(caplog)
    assert "could not draw or keep" in warning
    assert errors(caplog) == []


# --- the message manager on its own, against the playground's Bot API -----------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def window(chat_id: int, text: str, picture: Path | None) -> NewMessage:
    keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="A1", callback_data="s:A-1")]])
    media = MediaAttachment(type=ContentType.PHOTO, path=str(picture)) if picture else None
    return NewMessage(chat=Chat(id=chat_id, type="private"), text=text, reply_markup=keyboard, media=media)


async def test_an_edit_whose_picture_is_refused_becomes_a_text_message_and_pictures_come_back(
    playground, tmp_path, caplog
):
    caplog.set_level(logging.WARNING)
    url, client, _ = playground
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(url)))
    clock = Clock()
    manager = PictureFallbackMessageManager(clock=clock)
    first, second = tmp_path / "first.png", tmp_path / "second.png"
    first.write_bytes(png(40, 30))
    second.write_bytes(png(40, 31))
    try:
        await bot.get_me()
        ann = await client.create_user("Ann")
        await client.send_text(ann["id"], "/start", user_id=ann["id"])
        shown = await manager.show_message(bot, window(ann["id"], "map 1", first), None)
        assert shown.media_id is not None

        await client.set_faults(refuse_photos=True)
        edited = window(ann["id"], "map 2", second)
        shown = await manager.show_message(bot, edited, shown)
        # The photo could not become the new picture: it is replaced by the text,
        # and the window no longer names a picture whose file_id could be saved.
        assert shown.media_id is None and edited.media is None
        messages = await client.transcript(ann["id"], include_deleted=False)
        bot_messages = [m for m in messages if m["outgoing"]]
        assert [(m["text"], m["photo"]) for m in bot_messages] == [("map 2", None)]
        assert bot_messages[0]["reply_markup"]["inline_keyboard"][0][0]["text"] == "A1"

        # Within the pause the picture is not tried (no call), even once Telegram takes it.
        await client.set_faults(refuse_photos=False)
        before = len(await client.calls())
        shown = await manager.show_message(bot, window(ann["id"], "map 3", second), shown)
        methods = [c["method"] for c in (await client.calls())[before:]]
        assert methods == ["editMessageText"] and shown.media_id is None

        clock.now += manager.pause_s + 1
        shown = await manager.show_message(bot, window(ann["id"], "map 4", second), shown)
        assert shown.media_id is not None
        last = await client.last_message(ann["id"])
        assert last["caption"] == "map 4" and last["photo"]
        assert len(picture_warnings(caplog)) == 1
    finally:
        await bot.session.close()


async def test_an_upload_that_times_out_gives_the_text(playground, tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    url, client, _ = playground
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(url)))
    manager = PictureFallbackMessageManager(upload_timeout_s=0.2)
    picture = tmp_path / "slow.png"
    picture.write_bytes(png(40, 30))
    try:
        await bot.get_me()
        ann = await client.create_user("Ann")
        await client.send_text(ann["id"], "/start", user_id=ann["id"])
        await client.set_faults(photo_delay=1.0)
        shown = await manager.show_message(bot, window(ann["id"], "seat map", picture), None)
        assert shown.media_id is None and shown.text == "seat map"
        [warning] = picture_warnings(caplog)
        assert "no answer within 0.2 s" in warning
        # A file gone from the disk is a picture that cannot be sent either.
        await client.set_faults(photo_delay=0)
        manager = PictureFallbackMessageManager()
        shown = await manager.show_message(bot, window(ann["id"], "again", tmp_path / "gone.png"), shown)
        assert shown.media_id is None and shown.text == "again"
    finally:
        await bot.session.close()
