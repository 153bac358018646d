"""The seat map window: the hall by views (block x rows) as an inline grid, the
picture of the whole hall, best-seat buttons, and the customer's selection."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_dialog import DialogManager, ShowMode, Window
from aiogram_dialog.api.entities import MediaAttachment, NewMessage
from aiogram_dialog.api.internal import RawKeyboard
from aiogram_dialog.api.protocols import DialogProtocol
from aiogram_dialog.widgets.kbd import Button, Keyboard, Row, Select
from aiogram_dialog.widgets.media import DynamicMedia
from aiogram_dialog.widgets.text import Format

from dialogs.answers import say
from dialogs.context import Texts, owner_token, services, texts, user_id, watch_selection
from dialogs.formatting import clip, clock, day_label, money
from dialogs.i18n import T
from dialogs.seatmap.layout import best_view, neighbours, plan_views, render_view, seat_item_ok, view_of_seat
from dialogs.states import Booking
from domain.catalog import Showtime
from domain.errors import InvalidSeats, NotFound, SalesClosed, SeatsUnavailable
from domain.hall import Hall, SeatKind, seat_name

BEST_COUNTS = ("1", "2", "3", "4", "5", "6")


class SeatGrid(Keyboard):
    """The seats of the current view; a press holds or releases one seat."""

    async def _render_keyboard(self, data: dict[str, Any], manager: DialogManager) -> RawKeyboard:
        rows: RawKeyboard = []
        for row in data.get("grid", []):
            rows.append(
                [
                    InlineKeyboardButton(
                        text=cell.text,
                        callback_data=self._item_callback_data(cell.seat_code) if cell.seat_code else self.widget_id,
                    )
                    for cell in row
                ]
            )
        return rows

    async def _process_own_callback(self, callback: CallbackQuery, dialog: DialogProtocol, manager: DialogManager) -> bool:
        # A spacer or a blocked place was pressed: nothing to do but say so.
        say(manager, texts(manager)("seat-not-selectable"))
        return True

    async def _process_item_callback(
        self, callback: CallbackQuery, data: str, dialog: DialogProtocol, manager: DialogManager
    ) -> bool:
        await on_seat(callback, manager, data)
        return True


async def on_seat(callback: CallbackQuery, manager: DialogManager, code: str) -> None:
    t = texts(manager)
    svc = services(manager)
    showtime_id = manager.dialog_data.get("showtime_id")
    if not seat_item_ok(code) or not isinstance(showtime_id, int):
        say(manager, t("error-forged"))
        return
    name = seat_name(code)
    try:
        selection = await svc.seats.toggle(showtime_id, code, owner_token(callback.from_user.id))
    except SeatsUnavailable:
        # Sold long ago or taken a second ago: the customer can do the same about both.
        say(manager, t("seat-taken", seat=name))
    except InvalidSeats as exc:
        limit = exc.params.get("max")
        say(manager, t("seat-limit", max=limit) if limit else t("seat-invalid", seat=name))
    except (SalesClosed, NotFound):
        say(manager, t("sales-closed"), alert=True)
        await manager.switch_to(Booking.movie)
    else:
        held = code in selection.seats
        _, _, hall = await svc.catalog.showtime(showtime_id)
        partner = hall.seats[code].couch_partner if code in hall.seats else None
        if partner is not None:  # a couch is held and released whole: say both seats
            pair = " + ".join(seat_name(c) for c in sorted((code, partner), key=lambda c: hall.seats[c].number))
            say(manager, t("couch-held" if held else "couch-released", seats=pair))
        else:
            say(manager, t("seat-held" if held else "seat-released", seat=name, count=len(selection.seats)))
        await watch_selection(manager, showtime_id, selection.remaining_ms)


async def on_best(callback: CallbackQuery, _w: Any, manager: DialogManager, count: str) -> None:
    t = texts(manager)
    svc = services(manager)
    if count not in BEST_COUNTS:
        say(manager, t("error-forged"))
        return
    showtime_id = manager.dialog_data["showtime_id"]
    try:
        selection = await svc.seats.hold_best(showtime_id, int(count), owner_token(callback.from_user.id))
    except SeatsUnavailable as exc:
        # Others pressing at the same moment is not the same as a full hall.
        say(manager, t("best-contested") if exc.params.get("contested") else t("best-none", count=int(count)))
        return
    except (SalesClosed, NotFound):
        say(manager, t("sales-closed"), alert=True)
        await manager.switch_to(Booking.movie)
        return
    _, _, hall = await svc.catalog.showtime(showtime_id)
    manager.dialog_data["view"] = view_of_seat(plan_views(hall), selection.seats[0])
    say(manager, t("best-held", seats=", ".join(seat_name(c) for c in selection.seats)))
    await watch_selection(manager, showtime_id, selection.remaining_ms)


NAV = {"vl": "left", "vr": "right", "vf": "front", "vb": "back"}


async def on_view(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    """Step to the view beside, in front of or behind the current one."""
    _, _, hall = await services(manager).catalog.showtime(manager.dialog_data["showtime_id"])
    views = plan_views(hall)
    here = manager.dialog_data.get("view", 0) % len(views)
    target = getattr(neighbours(views, here), NAV[button.widget_id])
    if target is None:
        say(manager, texts(manager)("view-edge"))
        return
    manager.dialog_data["view"] = target


async def on_clear(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    await services(manager).seats.release_all(manager.dialog_data["showtime_id"], owner_token(callback.from_user.id))
    say(manager, texts(manager)("selection-cleared"))
    await watch_selection(manager, manager.dialog_data["showtime_id"], 0)


async def on_continue(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    svc = services(manager)
    selection = await svc.seats.selection(manager.dialog_data["showtime_id"], owner_token(callback.from_user.id))
    if not selection.seats:
        say(manager, texts(manager)("selection-empty"))
        return
    # Keep ticket types chosen earlier for seats still held; new seats are adults
    # (changing them is an optional step on the summary).
    chosen = manager.dialog_data.get("tickets", {})
    manager.dialog_data["tickets"] = {s: chosen.get(s, "adult") for s in selection.seats}
    showtime_id = manager.dialog_data["showtime_id"]
    await svc.seats.extend(showtime_id, owner_token(callback.from_user.id))
    await watch_selection(manager, showtime_id, svc.policy.hold_ms)
    await manager.switch_to(Booking.summary)


async def on_back(callback: CallbackQuery, _b: Button, manager: DialogManager) -> None:
    """Back to where the showtime was picked: the movie, or a day's showtimes."""
    picked_on = manager.dialog_data.get("picked_on")
    await manager.switch_to(Booking.showtimes if picked_on == Booking.showtimes.state else Booking.movie)


def legend(hall: Hall, showtime: Showtime, t: Texts) -> str:
    """The prices of the hall's zones (a choice is made on this screen) and the marks."""
    kinds = {s.kind for s in hall.seats.values()}
    zones = []
    for kind, key in ((SeatKind.STANDARD, "zone-standard"), (SeatKind.VIP, "zone-vip"), (SeatKind.COUCH, "zone-couch")):
        price = showtime.price_for(kind)
        if kind in kinds and price is not None:
            zones.append(t(key, price=money(price, t)))
    marks = [t("seats-marks")]
    marks += [t(f"mark-{k}") for k in (SeatKind.WHEELCHAIR, SeatKind.COMPANION) if k in kinds]
    return " · ".join(zones) + "\n" + " · ".join(marks)


async def seats_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    t = texts(dialog_manager)
    svc = services(dialog_manager)
    customer_id = user_id(dialog_manager)
    owner = owner_token(customer_id)
    showtime_id = dialog_manager.dialog_data["showtime_id"]
    showing = await svc.catalog.showing(showtime_id, owner, customer_id)
    showtime, movie, hall, seat_map = showing.showtime, showing.movie, showing.hall, showing.seat_map
    held, held_ms = showing.held, showing.held_ms  # the selection, read with the map's holds
    views = plan_views(hall)
    if "view" not in dialog_manager.dialog_data:
        # Open where the customer's seats are, else where the best seats are.
        dialog_manager.dialog_data["view"] = view_of_seat(views, held[0]) if held else best_view(hall, views)
    index = dialog_manager.dialog_data["view"] % len(views)
    dialog_manager.dialog_data["view"] = index
    view = views[index]
    near = neighbours(views, index)
    zone = svc.policy.zone
    local = showtime.starts_at.astimezone(zone)
    minutes_left = (held_ms + 59_999) // 60_000
    picture = None
    if svc.pictures is not None:
        path = await svc.pictures.path_for(seat_map, view, t)
        picture = MediaAttachment(type="photo", path=path) if path else None
    header = t(
        "seats-header",
        title=clip(movie.title_in(t.locale), 60),
        day=day_label(local.date(), t),
        time=clock(showtime.starts_at, zone),
        hall=hall.name,
        format=showtime.format,
    )
    return {
        "header": header,
        "grid": render_view(seat_map, view, None),
        "view_label": t("seats-view", rows=view.rows_label, seats=view.seats_label, index=index + 1, total=len(views)),
        "can_left": near.left is not None,
        "can_right": near.right is not None,
        "can_front": near.front is not None,
        "can_back": near.back is not None,
        "selection": ", ".join(seat_name(c) for c in sorted(held, key=lambda c: (hall.seats[c].row_index, hall.seats[c].number))),
        "legend": legend(hall, showtime, t),
        "has_selection": bool(held),
        "minutes_left": minutes_left,
        "free": seat_map.free_count(),
        "best": list(BEST_COUNTS),
        "picture": picture,
    }


class SeatsWindow(Window):
    """A press that leaves the seat map as it is shown sends no edit.

    A refused "best N" on a sold-out or unchanged map rendered the same message
    again; aiogram-dialog cannot compare inline keyboards, so it sent the edit
    and Telegram refused it ("message is not modified"): a wasted call on a
    quarter of the presses of a sale. The press is still answered.
    """

    async def render(self, dialog: DialogProtocol, manager: DialogManager) -> NewMessage:
        new = await super().render(dialog, manager)
        if await _shown_already(new, manager):
            manager.show_mode = ShowMode.NO_UPDATE
        return new


async def _shown_already(new: NewMessage, manager: DialogManager) -> bool:
    """True only when the pressed message is the dialog's and Telegram shows
    exactly ``new`` in it: text, picture and keyboard (cheapest checks first)."""
    event = manager.event
    if not isinstance(event, CallbackQuery) or not isinstance(event.message, Message):
        return False
    shown = event.message
    if shown.message_id != manager.current_stack().last_message_id:
        return False
    if new.media is None:
        if shown.photo or new.text != shown.text:
            return False
    else:
        storage = getattr(manager, "media_id_storage", None)
        if not shown.photo or new.text != shown.caption or storage is None:
            return False
        media_id = new.media.file_id or await storage.get_media_id(
            path=new.media.path, url=new.media.url, type=new.media.type
        )
        if media_id is None or media_id.file_unique_id != shown.photo[-1].file_unique_id:
            return False
    return _buttons(new.reply_markup) == _buttons(shown.reply_markup)


def _buttons(markup: object) -> list[list[tuple[str, str | None, str | None]]] | None:
    """What this window's buttons are made of (text and callback data; a url,
    should one appear): cheaper to compare than whole models."""
    if not isinstance(markup, InlineKeyboardMarkup):
        return None
    return [[(b.text, b.callback_data, b.url) for b in row] for row in markup.inline_keyboard]


seats_window = SeatsWindow(
    DynamicMedia("picture", when="picture"),
    Format("{header}"),
    Format("{view_label}"),
    Format("{legend}"),
    T("seats-selection", "selection", "minutes_left", when="has_selection"),
    T("seats-pick", "free", when=lambda data, *_: not data.get("has_selection")),
    SeatGrid(id="s"),
    Row(
        Button(T("view-left"), id="vl", on_click=on_view, when="can_left"),
        Button(T("view-front"), id="vf", on_click=on_view, when="can_front"),
        Button(T("view-back"), id="vb", on_click=on_view, when="can_back"),
        Button(T("view-right"), id="vr", on_click=on_view, when="can_right"),
    ),
    Row(Select(T("best-button", "item"), id="b", item_id_getter=lambda i: i, items="best", on_click=on_best)),
    Row(
        Button(T("button-back"), id="sb", on_click=on_back),
        Button(T("button-clear"), id="sc", on_click=on_clear, when="has_selection"),
        Button(T("button-continue"), id="sn", on_click=on_continue, when="has_selection"),
    ),
    state=Booking.seats,
    getter=seats_getter,
)
