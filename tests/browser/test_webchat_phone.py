"""The web chat on a phone (390 x 844, touch): the chat list and the chat take turns,
nothing scrolls sideways, cut button labels can be found, the bot's command menu
sits beside the input, and the way back from a pay page reaches the chat's own tab.
A scripted bot (aiogram against the playground) except where the real bot's own
menu is checked."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any, AsyncIterator

import pytest
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)

from playground.client import PlaygroundClient
from playground.telegram import create_telegram_app, serve
from tests.browser.test_webchat_features import Scene, Updates
from tests.browser.webchat import WebChat
from tests.e2e.test_playground_process import _two_free_ports, playground_process
from tests.playground.helpers import TOKEN, make_bot, png

PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LONG_LABEL = "A label far too long for one button on a phone screen"
RU_LOCALE = Path(__file__).resolve().parents[2] / "infrastructure/i18n/locales/ru/bot.ftl"


@pytest.fixture
async def phone(browser: Any) -> AsyncIterator[Scene]:
    async with serve(create_telegram_app()) as url, PlaygroundClient(url, bot=TOKEN) as client:
        bot = make_bot(url)
        await bot.get_me()
        context = await browser.new_context(**PHONE)
        try:
            yield Scene(url, client, bot, Updates(bot), context, WebChat(await context.new_page()))
        finally:
            await context.close()
            await bot.session.close()


async def wider_than_the_screen(page: Any) -> list[str]:
    """What sticks out of the screen sideways (so the page or a pane would scroll)."""
    return await page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const out = [...document.querySelectorAll("body *")].filter((node) => {
            const box = node.getBoundingClientRect();
            return box.width > 0 && (box.left < -0.5 || box.right > width + 0.5);
        }).map((node) => `${node.tagName.toLowerCase()}.${node.className}`);
        const scrollers = [document.documentElement, document.getElementById("messages")].filter(Boolean);
        return [...out, ...scrollers.filter((s) => s.scrollWidth > s.clientWidth).map((s) => `scrolls: ${s.id || "page"}`)];
    }""")


async def test_a_phone_shows_the_list_or_the_chat_and_nothing_scrolls_sideways(phone: Scene) -> None:
    ann = await phone.started_user("Анна")
    chat, page, bot = phone.chat, phone.chat.page, phone.bot
    await chat.open(phone.url)
    # The restored chat fills the screen; the list waits behind the back arrow.
    await page.locator("#chat").wait_for()
    assert await page.locator(".sidebar").is_hidden()

    await bot.send_message(ann, "Ссылка: https://example.org/" + "очень-длинный-путь" * 20)
    await bot.send_message(ann, "<pre>" + "x" * 300 + "</pre>", parse_mode="HTML")
    await bot.send_photo(ann, BufferedInputFile(png(1600, 900), "hall.png"), caption="Зал")
    await bot.send_message(ann, "Меню", reply_markup=InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text=LONG_LABEL, callback_data="long"),
         InlineKeyboardButton(text="Ok", callback_data="ok")],
        [InlineKeyboardButton(text=str(n), callback_data=f"n{n}") for n in range(1, 9)],
        [InlineKeyboardButton(text="Open the payment page", url="https://example.org/pay")],
    ]))
    menu = await chat.bot_message("Меню")
    photo = (await chat.bot_message("Зал")).locator(".photo img")
    await page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=await photo.element_handle())
    assert await wider_than_the_screen(page) == []
    # The page can say which labels end in an ellipsis: only the long one does.
    assert await page.evaluate("window.webchat.cutButtonLabels()") == [LONG_LABEL]
    label = menu.locator(".kb-label", has_text="Ok")
    assert await label.evaluate("l => l.scrollWidth <= l.clientWidth")
    # A menu under a bot message spans the bubble's width, as in Telegram's apps.
    keyboard = await menu.locator(".inline-keyboard").bounding_box()
    assert keyboard is not None and keyboard["width"] > 0.85 * 390

    await page.click("#back-to-list")
    await page.locator(".sidebar").wait_for()
    assert await page.locator("#chat").is_hidden()
    assert await wider_than_the_screen(page) == []
    await page.locator(".chat-item", has_text="Cinebooker").click()
    await page.locator("#chat").wait_for()
    assert await page.locator(".sidebar").is_hidden()

    # A wide window shows both side by side again.
    await page.set_viewport_size({"width": 1200, "height": 800})
    assert await page.locator(".sidebar").is_visible() and await page.locator("#chat").is_visible()
    assert await page.locator("#back-to-list").is_hidden()
    assert chat.errors == []


async def test_the_menu_button_lists_the_bots_commands_for_the_user_and_sends_one(phone: Scene) -> None:
    ann = await phone.started_user("Анна", language_code="ru")
    chat, page, bot, updates = phone.chat, phone.chat.page, phone.bot, phone.updates
    await chat.open(phone.url)
    await page.locator("#chat").wait_for()
    assert await page.locator("#menu-button").is_hidden()  # no commands set: no menu

    await bot.set_my_commands([BotCommand(command="start", description="Main menu"),
                               BotCommand(command="help", description="How to book")])
    await bot.set_my_commands([BotCommand(command="start", description="Главное меню"),
                               BotCommand(command="help", description="Как забронировать")], language_code="ru")
    await page.locator("#menu-button").click()  # shown live, once the bot set them
    items = page.locator("#command-menu .command-item")
    await items.first.wait_for()
    assert await items.all_inner_texts() == ["/start\nГлавное меню", "/help\nКак забронировать"]
    assert await wider_than_the_screen(page) == []
    await items.nth(1).click()
    sent = await updates.wait(lambda u: u.message is not None and u.message.text == "/help")
    assert sent.message.from_user.id == ann
    await page.locator(".message.out .text", has_text="/help").wait_for()
    assert await page.locator("#command-menu").is_hidden()

    # In a group a command from the menu names its bot.
    bob = (await phone.client.create_user("Bob"))["id"]
    group = await phone.client.create_group("Кино-клуб", [ann, bob])
    await page.click("#back-to-list")
    await page.locator(".chat-item", has_text="Кино-клуб").click()
    await page.locator("#menu-button").click()
    await page.locator("#command-menu .command-item", has_text="/start").click()
    username = (await bot.me()).username
    in_group = await updates.wait(lambda u: u.message is not None and u.message.chat.id == group["id"])
    assert in_group.message.text == f"/start@{username}"
    assert chat.errors == []


async def test_the_way_back_from_a_pay_page_reaches_the_tab_it_was_opened_from(phone: Scene) -> None:
    ann = await phone.started_user("Анна")
    bob = (await phone.client.create_user("Bob"))["id"]
    chat, bot, updates = phone.chat, phone.bot, phone.updates
    await chat.open(phone.url)
    # A second chat tab, opened later and acting as Bob, must not take Ann's way back.
    other = WebChat(await phone.context.new_page())
    await other.open(phone.url)
    await other.page.click("#back-to-list")
    await other.page.select_option("#user-select", str(bob))

    # The pay page's way back is the bot's t.me link (here straight on the button).
    back = f"{phone.url}/t.me/{(await bot.me()).username}?start=paid_7"
    await bot.send_message(ann, "К оплате", reply_markup=InlineKeyboardMarkup(inline_keyboard=[
        [InlineKeyboardButton(text="Open the payment page", url=back)]]))
    async with phone.context.expect_page() as opened:
        await (await chat.bot_message("К оплате")).locator("a.kb-button").click()
    pay_tab = await opened.value
    closed = asyncio.Event()
    pay_tab.on("close", lambda _: closed.set())
    if not pay_tab.is_closed():
        await asyncio.wait_for(closed.wait(), 10)  # it handed the link over and closed itself

    started = await updates.wait(lambda u: u.message is not None and u.message.text == "/start paid_7")
    assert started.message.from_user.id == ann
    await chat.page.locator(".message.out .text", has_text="/start paid_7").wait_for()
    await asyncio.sleep(1)  # time enough for a second, wrong /start to arrive
    assert [u.message.text for u in await bot.get_updates(offset=updates.offset, timeout=0)
            if u.message is not None] == []
    assert chat.page_loads == 1 and other.page_loads == 1 and chat.errors == other.errors == []


async def test_with_no_chat_tab_open_the_way_back_opens_the_chat_in_its_own_tab(phone: Scene) -> None:
    ann = await phone.started_user("Анна")
    page = phone.chat.page
    await page.goto(f"{phone.url}/t.me/{(await phone.bot.me()).username}?start=unpaid_7")
    started = await phone.updates.wait(lambda u: u.message is not None and u.message.text == "/start unpaid_7")
    assert started.message.from_user.id == ann
    await page.locator(".message.out .text", has_text="/start unpaid_7").wait_for()
    assert not page.is_closed() and await page.locator("#chat").is_visible()
    assert page.url == f"{phone.url}/"  # the link is not followed twice on a reload
    assert phone.chat.errors == []


def _ftl_value(path: Path, key: str) -> str:
    match = re.search(rf"^{re.escape(key)} = (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{key} is missing from {path}"
    return match.group(1).strip()


async def test_the_real_bots_menu_is_in_the_users_language_and_a_tap_runs_the_command(
    browser: Any, tmp_path: Path
) -> None:
    """The bot sets its commands per language at start: a Russian user who never
    used /language sees every command it handles, described in Russian."""
    port = _two_free_ports()
    url = f"http://127.0.0.1:{port}"
    async with playground_process(tmp_path, port):
        context = await browser.new_context(**PHONE)
        chat = WebChat(await context.new_page())
        await chat.open(url)
        await chat.create_user("Иван", language_code="ru")
        await chat.page.click("#menu-button")
        items = chat.page.locator("#command-menu .command-item")
        await items.first.wait_for()
        shown = {await i.get_attribute("data-command"): await i.locator(".command-about").inner_text()
                 for i in await items.all()}
        handled = ("start", "help", "language", "mybookings", "cancel", "reminders")
        assert shown == {c: _ftl_value(RU_LOCALE, f"command-{c}") for c in handled}
        await items.filter(has_text="/help").click()
        await chat.bot_message("Как купить билет")
        assert await wider_than_the_screen(chat.page) == []
        assert chat.errors == []
        await context.close()
