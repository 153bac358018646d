"""Within one window every widget id is unique: aiogram-dialog routes a press by id,
so a duplicate silently sends it to the first widget with that id (a pay button once
took the id of "Cancel booking")."""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterator

import pytest

from dialogs.booking.dialog import booking_dialog
from dialogs.menu import language_dialog, main_menu_dialog
from dialogs.my_bookings import my_bookings_dialog


def _ids(widget: Any) -> Iterator[str]:
    widget_id = getattr(widget, "widget_id", None)
    if widget_id:
        yield widget_id
    for child in getattr(widget, "buttons", ()) or ():
        yield from _ids(child)


@pytest.mark.parametrize("make", [booking_dialog, my_bookings_dialog, main_menu_dialog, language_dialog])
def test_widget_ids_are_unique_within_each_window(make):
    dialog = make()
    assert dialog.windows
    for state, window in dialog.windows.items():
        ids = list(_ids(window.keyboard))
        duplicates = [i for i, n in Counter(ids).items() if n > 1]
        assert not duplicates, f"{state}: {duplicates}"
    detail = next(w for s, w in dialog.windows.items() if s.state.endswith(":detail")) if make is my_bookings_dialog else None
    if detail is not None:  # the walk sees the pay buttons it is meant to guard
        assert {"yc", "yp", "dc"} <= set(_ids(detail.keyboard))
