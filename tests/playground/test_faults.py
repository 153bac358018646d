"""Faults switched on at run time: photos refused as Telegram refuses them, or
answered late."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError
from aiogram.types import BufferedInputFile, InputMediaPhoto

from playground.client import PlaygroundClient, PlaygroundError
from tests.playground.helpers import png


async def test_refused_photos_fail_as_telegram_words_it_and_nothing_else_does(
    bot: Bot, client: PlaygroundClient, ann: dict
) -> None:
    kept = await bot.send_photo(ann["id"], BufferedInputFile(png(8, 8), "a.png"), caption="hall")
    assert kept.photo is not None
    assert (await client.set_faults(refuse_photos=True))["refuse_photos"] is True
    uploads = (BufferedInputFile(png(8, 8), "b.png"), kept.photo[-1].file_id)
    for photo in uploads:
        with pytest.raises(TelegramBadRequest, match="Bad Request: IMAGE_PROCESS_FAILED"):
            await bot.send_photo(ann["id"], photo)
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.edit_message_media(
            InputMediaPhoto(media=BufferedInputFile(png(8, 8), "c.png")), chat_id=ann["id"], message_id=kept.message_id
        )
    # Texts, captions and documents still go.
    await bot.send_message(ann["id"], "seat map as text")
    await bot.edit_message_caption(chat_id=ann["id"], message_id=kept.message_id, caption="edited")
    await bot.send_document(ann["id"], BufferedInputFile(b"%PDF-1.4\n", "x.pdf"))
    faults = await client.set_faults(refuse_photos=False)
    assert faults["photos_refused"] == 3
    assert (await bot.send_photo(ann["id"], kept.photo[-1].file_id)).photo is not None
    summary = await client.calls_summary()
    assert summary["by_method"]["sendPhoto"] == {"ok": 2, "400": 2}


async def test_a_late_photo_times_the_bot_out_and_is_posted_after_all(
    bot: Bot, client: PlaygroundClient, ann: dict
) -> None:
    await client.set_faults(photo_delay=0.5)
    with pytest.raises(TelegramNetworkError):
        await bot.send_photo(ann["id"], BufferedInputFile(png(8, 8), "late.png"), request_timeout=0.1)  # type: ignore[call-arg]
    await asyncio.sleep(0.7)
    last = await client.last_message(ann["id"])
    assert last is not None and last["photo"]


@pytest.mark.parametrize("change", [{"refuse_photos": "yes"}, {"photo_delay": -1}, {"photo_delay": True},
                                    {"photos_refused": 0}, {"no_such_fault": 1}])
async def test_bad_fault_settings_are_refused(client: PlaygroundClient, change: dict) -> None:
    with pytest.raises(PlaygroundError) as refused:
        await client.set_faults(**change)
    assert refused.value.status == 400
    assert (await client.faults())["refuse_photos"] is False  # nothing changed
