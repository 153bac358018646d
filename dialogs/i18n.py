"""aiogram-dialog widgets whose texts come from the translation layer."""

from __future__ import annotations

from typing import Any

from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.common import WhenCondition
from aiogram_dialog.widgets.text import Text

from dialogs.context import texts


class T(Text):
    """A translated message; ``args`` names getter keys passed to the message,
    or all of the getter's data when omitted."""

    def __init__(self, key: str, *args: str, when: WhenCondition = None) -> None:
        super().__init__(when=when)
        self.key = key
        self.args = args

    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        params = {a: data.get(a) for a in self.args} if self.args else _plain(data)
        return texts(manager)(self.key, **params)


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    # Fluent takes strings and numbers only.
    return {k: v for k, v in data.items() if isinstance(v, (str, int)) and not isinstance(v, bool)}
