"""What the web chat shows and lets a person do, in a real Chromium, with a scripted
bot (aiogram against the playground) so each feature is checked on purpose:
formatting without HTML injection, photos, documents, buttons and their answers,
edits and deletions in place, reply keyboards, groups, and reconnecting."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable

import pytest
from aiogram import Bot
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MessageEntity,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from playground.client import PlaygroundClient
from playground.telegram import create_telegram_app, serve
from tests.browser.webchat import WebChat
from tests.playground.helpers import TOKEN, make_bot, png

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Updates:
    """The scripted bot's side: read updates as they come (long polling)."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.offset = 0

    async def wait(self, accept: Callable[[Update], Any], timeout: float = 5.0) -> Update:
        async def poll() -> Update:
            while True:
                for update in await self.bot.get_updates(offset=self.offset, timeout=1):
                    self.offset = update.update_id + 1
                    if accept(update):
                        return update

        return await asyncio.wait_for(poll(), timeout)


@dataclass
class Scene:
    url: str
    client: PlaygroundClient
    bot: Bot
    updates: Updates
    context: Any
    chat: WebChat

    async def started_user(self, first_name: str, language_code: str = "en") -> int:
        """A user who wrote /start, so the bot may write to them."""
        user = await self.client.create_user(first_name, language_code=language_code)
        await self.client.send_text(user["id"], "/start")
        await self.updates.wait(lambda u: u.message is not None and u.message.text == "/start")
        return int(user["id"])


@pytest.fixture
async def scene(browser: Any) -> AsyncIterator[Scene]:
    async with serve(create_telegram_app()) as url, PlaygroundClient(url, bot=TOKEN) as client:
        bot = make_bot(url)
        await bot.get_me()
        context = await browser.new_context(viewport={"width": 1200, "height": 850})
        try:
            yield Scene(url, client, bot, Updates(bot), context, WebChat(await context.new_page()))
        finally:
            await context.close()
            await bot.session.close()


async def test_formatting_is_rendered_and_message_text_never_becomes_markup(scene: Scene) -> None:
    ann = await scene.started_user("Анна")
    chat = scene.chat
    await chat.open(scene.url)
    await scene.bot.send_message(
        ann,
        '🎬 <b>Жирный</b> <i>курсив</i> <u>подчёркнутый</u> <s>зачёркнутый</s> '
        '<a href="https://example.org/x">ссылка</a> <tg-spoiler>тайна</tg-spoiler> '
        '<code>x &lt; y</code>\n<blockquote>цитата</blockquote>\n'
        '&lt;img src=x onerror="window.hacked=1"&gt; <b>&lt;script&gt;window.hacked=2&lt;/script&gt;</b>',
        parse_mode="HTML")
    message = await chat.bot_message("Жирный")
    text = message.locator(".text")
    # Offsets count UTF-16 units: the emoji before "Жирный" takes two.
    assert await text.locator("b").first.inner_text() == "Жирный"
    assert await text.locator("i").inner_text() == "курсив"
    assert await text.locator("u").inner_text() == "подчёркнутый"
    assert await text.locator("s").inner_text() == "зачёркнутый"
    assert await text.locator("code").inner_text() == "x < y"
    assert await text.locator("blockquote").inner_text() == "цитата"
    link = text.locator("a")
    assert (await link.inner_text(), await link.get_attribute("href"), await link.get_attribute("target")) == (
        "ссылка", "https://example.org/x", "_blank")
    spoiler = text.locator(".tg-spoiler")
    assert "revealed" not in (await spoiler.get_attribute("class") or "")
    await spoiler.click()
    assert "revealed" in (await spoiler.get_attribute("class") or "")
    # What looked like markup in the text stays text.
    shown = await text.inner_text()
    assert '<img src=x onerror="window.hacked=1">' in shown and "<script>window.hacked=2</script>" in shown
    assert await text.locator("img, script").count() == 0
    assert await chat.page.evaluate("window.hacked") is None

    # Explicit entities that overlap without nesting, and a link with a bad scheme.
    await scene.bot.send_message(ann, "abcdefghij klmn", entities=[
        MessageEntity(type="bold", offset=0, length=6),
        MessageEntity(type="italic", offset=3, length=5),
        MessageEntity(type="text_link", offset=11, length=4, url="javascript:window.hacked=3"),
    ])
    overlap = (await chat.bot_message("abcdef")).locator(".text")
    assert await overlap.locator("b").inner_text() == "abcdef"
    assert await overlap.locator("i").all_inner_texts() == ["def", "gh"]
    assert await overlap.locator("a").count() == 0
    await overlap.locator(".unsafe-link").click()
    assert await chat.page.evaluate("window.hacked") is None
    assert chat.errors == []


async def test_photos_and_documents(scene: Scene) -> None:
    ann = await scene.started_user("Анна")
    chat = scene.chat
    await chat.open(scene.url)
    await scene.bot.send_photo(ann, BufferedInputFile(png(40, 30), "poster.png"),
                               caption="<i>Постер</i>", parse_mode="HTML")
    photo = await chat.bot_message("Постер")
    image = photo.locator(".photo img")
    await image.wait_for()
    await chat.page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=await image.element_handle())
    assert await image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [40, 30]
    assert await photo.locator(".text i").inner_text() == "Постер"

    await scene.bot.send_document(ann, BufferedInputFile(PDF, "Счёт 7.pdf"), caption="Ваш счёт")
    await chat.bot_message("Ваш счёт")
    document = await chat.bot_document("Счёт 7.pdf")
    assert await document.get_attribute("target") == "_blank"
    href = await document.evaluate("a => a.href")
    response = await chat.page.request.get(href)
    assert (response.headers["content-type"], await response.body()) == ("application/pdf", PDF)
    tab = await chat.open_in_new_tab(document)
    assert tab.url == href
    await tab.close()


async def test_buttons_answers_edits_deletions_and_reply_keyboards(scene: Scene) -> None:
    ann = await scene.started_user("Анна")
    chat, bot, updates = scene.chat, scene.bot, scene.updates
    await chat.open(scene.url)
    sent = await bot.send_message(ann, "Выбор", reply_markup=InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text="Нажми", callback_data="tap")],
        [InlineKeyboardButton(text="Сайт", url="https://example.org/site")],
    ]))
    message = await chat.bot_message("Выбор")
    site = message.locator("a.kb-button.url")
    assert (await site.get_attribute("href"), await site.get_attribute("target")) == (
        "https://example.org/site", "_blank")

    await chat.press(message, "Нажми")
    query = (await updates.wait(lambda u: u.callback_query is not None)).callback_query
    assert (query.data, query.from_user.id, query.message.message_id) == ("tap", ann, sent.message_id)
    await bot.answer_callback_query(query.id, text="Готово ✓")
    await chat.page.locator(".toast", has_text="Готово ✓").wait_for()

    await chat.press(message, "Нажми")
    query = (await updates.wait(lambda u: u.callback_query is not None)).callback_query
    await bot.answer_callback_query(query.id, text="Внимание!", show_alert=True)
    dialog = chat.page.locator("#alert-dialog[open]")
    await dialog.wait_for()
    assert await dialog.locator("p").inner_text() == "Внимание!"
    await dialog.get_by_role("button", name="OK").click()
    await dialog.wait_for(state="hidden")

    # Edits and deletions change the chat in place.
    count = await chat.page.locator(".message").count()
    await bot.edit_message_text("Изменено", chat_id=ann, message_id=sent.message_id)
    edited = chat.page.locator(f'.message[data-message-id="{sent.message_id}"]')
    await edited.locator(".text", has_text="Изменено").wait_for()
    assert await edited.locator(".edited").count() == 1
    assert await edited.locator(".kb-button").count() == 0
    assert await chat.page.locator(".message").count() == count
    await bot.delete_message(ann, sent.message_id)
    await edited.wait_for(state="detached")
    assert await chat.page.locator(".message").count() == count - 1

    # A reply keyboard sits under the input; a press sends its text.
    await bot.send_message(ann, "Да или нет?", reply_markup=ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="Да"), KeyboardButton(text="Нет")]],
        one_time_keyboard=True, input_field_placeholder="Ваш ответ"))
    keyboard = chat.page.locator("#reply-keyboard")
    await keyboard.locator(".kb-button", has_text="Да").wait_for()
    assert await chat.page.locator("#composer-input").get_attribute("placeholder") == "Ваш ответ"
    await keyboard.locator(".kb-button", has_text="Да").click()
    answer = await updates.wait(lambda u: u.message is not None and u.message.text == "Да")
    assert answer.message.from_user.id == ann
    await chat.page.locator(".message.out .text", has_text="Да").wait_for()
    await keyboard.wait_for(state="hidden")  # one_time_keyboard
    await chat.page.click("#keyboard-toggle")
    await keyboard.wait_for()
    await bot.send_message(ann, "Спасибо", reply_markup=ReplyKeyboardRemove())
    await chat.page.locator("#keyboard-toggle").wait_for(state="hidden")
    assert await keyboard.is_hidden()
    # Typed text keeps its Cyrillic on the way to the bot.
    await chat.send("Привет, бот")
    typed = await updates.wait(lambda u: u.message is not None and u.message.text == "Привет, бот")
    assert typed.message.chat.id == ann
    assert chat.errors == []


async def test_a_group_with_several_members(scene: Scene) -> None:
    ann = await scene.started_user("Анна")
    bob = (await scene.client.create_user("Bob"))["id"]
    carl = (await scene.client.create_user("Carl"))["id"]
    chat, page, updates = scene.chat, scene.chat.page, scene.updates
    await chat.open(scene.url)

    await page.click("#new-group-toggle")
    form = page.locator("#new-group-form")
    await form.locator("input[name=title]").fill("Кино-клуб")
    await form.locator(f"input[name=member][value='{bob}']").check()
    await form.locator("button[type=submit]").click()
    await page.locator("#chat-name", has_text="Кино-клуб").wait_for()
    group = (await updates.wait(lambda u: u.my_chat_member is not None)).my_chat_member.chat
    assert group.title == "Кино-клуб"

    await chat.send("/films")
    first = await updates.wait(lambda u: u.message is not None and u.message.text == "/films")
    assert (first.message.chat.id, first.message.from_user.id) == (group.id, ann)
    await page.select_option("#member-select", str(bob))
    await chat.send("/films")
    second = await updates.wait(lambda u: u.message is not None and u.message.text == "/films")
    assert second.message.from_user.id == bob
    assert await page.locator("#chat-name").inner_text() == "Кино-клуб"

    await page.select_option("#add-member-select", str(carl))
    await page.click("#add-member")
    await page.locator(".message.service", has_text="Bob added Carl").wait_for()
    joined = await updates.wait(lambda u: u.message is not None and bool(u.message.new_chat_members))
    assert [u.id for u in joined.message.new_chat_members or []] == [carl]

    await scene.bot.send_message(group.id, "Привет, клуб")
    greeting = await chat.bot_message("Привет, клуб")
    assert await greeting.locator(".sender").inner_text() == "Cinebooker"
    # Carl now has the group in his chat list.
    await page.select_option("#user-select", str(carl))
    await page.locator(".chat-item", has_text="Кино-клуб").wait_for()
    assert await page.locator("#chat-name").inner_text() == "Кино-клуб"
    assert chat.errors == []


async def test_live_updates_resume_after_the_server_restarts(browser: Any) -> None:
    app = create_telegram_app()
    async with serve(app) as url:
        port = int(url.rsplit(":", 1)[1])
        context = await browser.new_context()
        chat = WebChat(await context.new_page())
        await chat.open(url)
        async with PlaygroundClient(url) as client:
            await client.create_user("Before")
        await chat.page.locator("#user-select option", has_text="Before").wait_for(state="attached")
    status = chat.page.locator("#live-status")
    await status.and_(chat.page.locator("[data-state=offline]")).wait_for()
    async with serve(create_telegram_app(), port=port) as again:
        await status.and_(chat.page.locator("[data-state=live]")).wait_for(timeout=10_000)
        async with PlaygroundClient(again) as client:
            await client.create_user("После")
        # The new server's users, live: the old one's are gone, nothing was reloaded.
        await chat.page.locator("#user-select option", has_text="После").wait_for(state="attached")
        options = await chat.page.locator("#user-select option").all_inner_texts()
        assert [re.sub(r" · .*", "", o) for o in options] == ["После"]
        assert chat.page_loads == 1
    await context.close()




async def test_live_updates_resume_after_the_socket_drops(scene: Scene) -> None:
    ann = await scene.started_user("Анна")
    chat, page = scene.chat, scene.chat.page
    sockets: list[Any] = []

    def through(route: Any) -> None:
        # Pass the WebSocket on to the server, keeping a handle to cut it later.
        route.connect_to_server()
        sockets.append(route)

    await page.route_web_socket(re.compile(r"/control/ws"), through)
    await chat.open(scene.url)
    # Hold the reconnection (it asks for the overview first) until the bot wrote.
    await page.route("**/control/overview", lambda route: route.abort())
    await sockets[-1].close()
    await page.locator("#live-status[data-state=offline]").wait_for()
    await scene.bot.send_message(ann, "Пока вас не было")
    await page.unroute("**/control/overview")
    await page.locator("#live-status[data-state=live]").wait_for(timeout=10_000)
    await chat.bot_message("Пока вас не было")
    assert len(sockets) == 2
    # Resumed from the last event seen: no restart, no reload, nothing twice.
    await scene.bot.send_message(ann, "И снова")
    await chat.bot_message("И снова")
    assert await page.locator(".message .text", has_text="Пока вас не было").count() == 1
    assert await page.locator(".toast", has_text="restarted").count() == 0
    assert chat.page_loads == 1
