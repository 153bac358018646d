"""Photos and documents: uploads, file_ids, URLs, getFile and /file/ downloads."""

from __future__ import annotations

import aiohttp
import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, InputMediaDocument, InputMediaPhoto
from aiohttp import web

from playground.client import PlaygroundClient
from playground.telegram import serve
from playground.telegram.files import image_size
from tests.playground.helpers import TOKEN, Telegram, png

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def test_photo_upload_download_and_resend_by_file_id(
    bot: Bot, client: PlaygroundClient, ann: dict, telegram: Telegram
) -> None:
    picture = png(64, 32)
    sent = await bot.send_photo(ann["id"], BufferedInputFile(picture, "hall.png"),
                                caption="<b>Hall 1</b>", parse_mode="HTML")
    assert sent.photo is not None and sent.caption == "Hall 1"
    photo = sent.photo[-1]
    assert (photo.width, photo.height, photo.file_size) == (64, 32, len(picture))
    file = await bot.get_file(photo.file_id)
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == picture
    again = await bot.send_photo(ann["id"], photo.file_id)
    assert again.photo is not None
    assert (again.photo[-1].file_id, again.photo[-1].file_unique_id) == (
        photo.file_id, photo.file_unique_id)
    view = await client.last_message(ann["id"])
    assert view is not None and await client.download(view["photo"]) == picture
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{telegram.url}/file/bot{TOKEN}/no/such/file") as response:
            assert response.status == 404


async def test_document_upload(bot: Bot, client: PlaygroundClient, ann: dict) -> None:
    sent = await bot.send_document(ann["id"], BufferedInputFile(PDF, "invoice-0001.pdf"),
                                   caption="Your invoice")
    document = sent.document
    assert document is not None
    assert (document.file_name, document.mime_type, document.file_size) == (
        "invoice-0001.pdf", "application/pdf", len(PDF))
    file = await bot.get_file(document.file_id)
    assert (await bot.download_file(file.file_path or "")).read() == PDF  # type: ignore[union-attr]
    view = await client.last_message(ann["id"])
    assert view is not None and view["document"]["file_name"] == "invoice-0001.pdf"
    assert view["caption"] == "Your invoice"


async def test_bad_files_are_refused(bot: Bot, ann: dict) -> None:
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await bot.send_photo(ann["id"], BufferedInputFile(b"not an image", "x.png"))
    with pytest.raises(TelegramBadRequest, match="wrong file identifier/HTTP URL specified"):
        await bot.send_photo(ann["id"], "AgACunknown")
    with pytest.raises(TelegramBadRequest, match="PHOTO_INVALID_DIMENSIONS"):
        await bot.send_photo(ann["id"], BufferedInputFile(png(2000, 10), "strip.png"))
    document = await bot.send_document(ann["id"], BufferedInputFile(PDF, "a.pdf"))
    assert document.document is not None
    with pytest.raises(TelegramBadRequest, match="type of file mismatch"):
        await bot.send_photo(ann["id"], document.document.file_id)


async def test_edit_message_media_with_attach_and_file_id(
    bot: Bot, client: PlaygroundClient, ann: dict
) -> None:
    first = await bot.send_photo(ann["id"], BufferedInputFile(png(8, 8), "a.png"), caption="v1")
    edited = await bot.edit_message_media(
        InputMediaPhoto(media=BufferedInputFile(png(16, 8), "b.png"), caption="v2"),
        chat_id=ann["id"], message_id=first.message_id)
    assert isinstance(edited, type(first)) and edited.photo is not None
    assert (edited.photo[-1].width, edited.caption) == (16, "v2")
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_media(InputMediaPhoto(media=edited.photo[-1].file_id, caption="v2"),
                                     chat_id=ann["id"], message_id=first.message_id)
    as_document = await bot.edit_message_media(
        InputMediaDocument(media=BufferedInputFile(PDF, "t.pdf")),
        chat_id=ann["id"], message_id=first.message_id)
    assert as_document.document is not None and as_document.caption is None  # type: ignore[union-attr]
    captioned = await bot.edit_message_caption(chat_id=ann["id"], message_id=first.message_id,
                                               caption="tickets")
    assert captioned.caption == "tickets"  # type: ignore[union-attr]
    view = (await client.transcript(ann["id"]))[-1]
    assert view["edit_count"] == 3 and view["document"]["file_name"] == "t.pdf"
    # Since Bot API 7.x a text message can get media added; its text goes.
    text = await bot.send_message(ann["id"], "plain")
    with_photo = await bot.edit_message_media(
        InputMediaPhoto(media=edited.photo[-1].file_id, caption="now a photo"),
        chat_id=ann["id"], message_id=text.message_id)
    assert with_photo.photo is not None and with_photo.text is None  # type: ignore[union-attr]
    assert with_photo.caption == "now a photo"  # type: ignore[union-attr]


async def test_a_photo_by_url_is_fetched_by_the_server(bot: Bot, ann: dict) -> None:
    picture = png(10, 20)

    async def image(request: web.Request) -> web.Response:
        return web.Response(body=picture, content_type="image/png")

    app = web.Application()
    app.router.add_get("/poster.png", image)
    async with serve(app) as url:
        sent = await bot.send_photo(ann["id"], f"{url}/poster.png")
        with pytest.raises(TelegramBadRequest, match="failed to get HTTP URL content"):
            await bot.send_photo(ann["id"], f"{url}/missing.png")
    assert sent.photo is not None and (sent.photo[-1].width, sent.photo[-1].height) == (10, 20)


def test_image_sizes_are_read_from_headers() -> None:
    assert image_size(png(3, 7)) == (3, 7)
    assert image_size(b"GIF89a\x05\x00\x06\x00" + b"\x00" * 10) == (5, 6)
    jpeg = (b"\xff\xd8\xff\xe0\x00\x10" + b"\x00" * 14
            + b"\xff\xc0\x00\x11\x08\x00\x30\x00\x40\x03" + b"\x00" * 9)
    assert image_size(jpeg) == (64, 48)
    assert image_size(b"%PDF") is None
