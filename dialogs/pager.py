"""A pager without dead buttons: "◀ 1/3" only where there is a page before, "3/3 ▶"
only where there is one after, and nothing for a single page (aiogram-dialog's
default pager shows "1 < 1 > 2" on the first page: three buttons that do nothing)."""

from __future__ import annotations

from aiogram_dialog import DialogManager
from aiogram_dialog.api.internal import RawKeyboard
from aiogram_dialog.widgets.kbd import Row
from aiogram_dialog.widgets.kbd.pager import PageDirection, SwitchPage
from aiogram_dialog.widgets.text import Format


class StepPage(SwitchPage):
    """One step back or forward; absent where the step would go nowhere."""

    async def render_keyboard(self, data: dict, manager: DialogManager) -> RawKeyboard:
        scroll = self._find_scroll(manager)
        current = await scroll.get_page()
        target = await self._get_target_page(current, await scroll.get_page_count(data))
        if target == current:
            return []
        return await super().render_keyboard(data, manager)


def pager(scroll_id: str) -> Row:
    return Row(
        StepPage(PageDirection.PREV, scroll_id, f"{scroll_id}_prev", Format("◀ {target_page1}/{pages}")),
        StepPage(PageDirection.NEXT, scroll_id, f"{scroll_id}_next", Format("{target_page1}/{pages} ▶")),
    )
