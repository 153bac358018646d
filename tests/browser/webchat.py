"""What a person does in the web chat, as Playwright steps (a page object)."""

from __future__ import annotations

import re
from typing import Any

from tests.e2e.flows import SEAT_TEXT

TIMEOUT_MS = 10_000


class WebChat:
    def __init__(self, page: Any) -> None:
        self.page = page
        self.page_loads = 0
        self.errors: list[str] = []
        page.on("load", lambda _: self._loaded())
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _loaded(self) -> None:
        self.page_loads += 1

    async def open(self, base_url: str) -> None:
        await self.page.goto(f"{base_url}/")
        # Attached, not visible: on a phone the chat list with the status may be hidden.
        await self.page.locator("#live-status[data-state=live]").wait_for(state="attached", timeout=TIMEOUT_MS)

    async def create_user(self, first_name: str, *, language_code: str = "en") -> None:
        page = self.page
        await page.click("#new-user-toggle")
        form = page.locator("#new-user-form")
        await form.locator("input[name=first_name]").fill(first_name)
        await form.locator("input[name=language_code]").fill(language_code)
        await form.locator("button[type=submit]").click()
        await page.locator("#user-select option:checked", has_text=first_name).wait_for(
            state="attached", timeout=TIMEOUT_MS)
        # The private chat with the bot opens by itself.
        await page.locator("#composer-input:enabled").wait_for(timeout=TIMEOUT_MS)

    async def send(self, text: str) -> None:
        box = self.page.locator("#composer-input")
        await box.fill(text)
        await box.press("Enter")
        await self.page.locator(".message.out .text", has_text=text).last.wait_for(timeout=TIMEOUT_MS)

    def _bot_messages(self) -> Any:
        return self.page.locator(".message.in")

    async def bot_message(self, fragment: str | re.Pattern[str], *, timeout: int = TIMEOUT_MS) -> Any:
        """The newest bot message whose text (not its buttons) contains `fragment`."""
        found = self._bot_messages().filter(
            has=self.page.locator(".text", has_text=fragment)).last
        await self._wait(found, f"a bot message with {fragment!r}", timeout)
        return found

    async def _wait(self, locator: Any, what: str, timeout: int) -> None:
        """Wait for `locator`; on time-out say what the chat showed instead."""
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        try:
            await locator.wait_for(timeout=timeout)
        except PlaywrightTimeout:
            texts = await self.page.locator(".message").all_inner_texts()
            tail = "\n---\n".join(texts[-3:])
            raise AssertionError(f"no {what} within {timeout} ms; the chat ends with:\n{tail}"
                                 f"\npage errors: {self.errors}") from None

    async def bot_message_with_button(self, label: str) -> Any:
        found = self._bot_messages().filter(
            has=self.page.locator(".kb-button", has_text=label)).last
        await self._wait(found, f"a bot message with the button {label!r}", TIMEOUT_MS)
        return found

    async def bot_document(self, name_fragment: str, *, timeout: int = TIMEOUT_MS) -> Any:
        """The link of the newest document the bot sent whose file name contains
        `name_fragment`."""
        found = self.page.locator(".message.in a.document").filter(
            has=self.page.locator(".doc-name", has_text=name_fragment)).last
        await self._wait(found, f"a document named like {name_fragment!r}", timeout)
        return found

    async def open_in_new_tab(self, link: Any) -> Any:
        """Click a link that opens a new tab (URL buttons, documents); the tab, loaded."""
        async with self.page.context.expect_page() as opened:
            await link.click()
        tab = await opened.value
        await tab.wait_for_load_state()
        return tab

    async def press(self, message: Any, label: str) -> None:
        await message.locator(".kb-button", has_text=label).first.click()

    async def press_nth(self, message: Any, index: int) -> None:
        await message.locator(".kb-button").nth(index).click()

    async def tap_free_seat(self, seat_map: Any, *, skip: str | None = None) -> str:
        """Tap the first free seat (not `skip`); returns its label without the icon."""
        buttons = seat_map.locator("button.kb-button[data-callback]")
        for index in range(await buttons.count()):
            button = buttons.nth(index)
            text = (await button.inner_text()).strip()
            match = SEAT_TEXT.match(text)
            data = await button.get_attribute("data-callback") or ""
            if not match or "\x1ds:" not in data:
                continue
            label = match.group(2) + match.group(3)
            if label == skip:
                continue
            await button.click()
            return label
        raise AssertionError("no free seat on the seat map")

    async def all_text(self) -> str:
        return await self.page.locator("#messages").inner_text()
