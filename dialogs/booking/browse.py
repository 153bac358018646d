"""Browsing: now showing (paged), a movie with today's and tomorrow's showtimes and a
row of the days after, and one day's showtimes.

Few taps to the seats: a movie's screen already offers its nearest showtimes; the
other days are one compact row. Buttons carry what decides a tap (time, format,
seats left); the message text carries the rest (language, hall, price).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.api.entities import MediaAttachment
from aiogram_dialog.widgets.kbd import Back, Cancel, Column, Group, Row, ScrollingGroup, Select
from aiogram_dialog.widgets.media import DynamicMedia
from aiogram_dialog.widgets.text import Format

from dialogs.answers import say
from dialogs.context import Texts, services, texts
from dialogs.formatting import clip, clock, day_label, money
from dialogs.i18n import T
from dialogs.leaving import release_holds, released_text
from dialogs.pager import pager
from dialogs.states import Booking
from domain.catalog import ShowtimeSummary
from domain.errors import NotFound
from domain.formats import short_day_text
from domain.links import parse_id

SYNOPSIS_LIMIT = 600  # the details are a caption when there is a poster (1024 max)
MOVIES_PER_PAGE = 6
DAYS_PER_ROW = 4  # "Fri 5" fits four to a row on a phone


async def movies_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    locale = texts(dialog_manager).locale
    showing = await services(dialog_manager).catalog.now_showing()
    items = [(str(n.movie.id), clip(f"{n.movie.title_in(locale)} · {'/'.join(n.formats)}", 60)) for n in showing]
    return {"movies": items, "empty": not items, "pages": -(-len(items) // MOVIES_PER_PAGE)}


async def on_movie(callback: CallbackQuery, _w: Any, manager: DialogManager, movie_id: int | None) -> None:
    if movie_id is None:  # not an id of ours (parse_id refused it)
        say(manager, texts(manager)("error-forged"))
        return
    manager.dialog_data["movie_id"] = movie_id
    await manager.switch_to(Booking.movie)


def _language(summary: ShowtimeSummary) -> str:
    show = summary.showtime
    return (show.language.upper() + (f"/{show.subtitles.upper()}" if show.subtitles else "")) or "—"


def _button(summary: ShowtimeSummary, t: Texts, zone: Any, day: str = "") -> str:
    """Time, format and seats left: what decides the tap, short enough for a phone."""
    label = t("showtime-button", time=clock(summary.showtime.starts_at, zone), format=summary.showtime.format,
              left=summary.seats_left)
    return f"{day} {label}" if day else label


def _line(summary: ShowtimeSummary, t: Texts, zone: Any) -> str:
    show = summary.showtime
    return t(
        "showtime-line",
        time=clock(show.starts_at, zone),
        format=show.format,
        language=_language(summary),
        hall=summary.hall_name,
        price=money(show.price_from(), t),
        left=summary.seats_left,
    )


async def movie_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    t = texts(dialog_manager)
    svc = services(dialog_manager)
    movie_id = dialog_manager.dialog_data.get("movie_id")
    showing = {n.movie.id: n for n in await svc.catalog.now_showing()}
    item = showing.get(movie_id)
    if item is None:
        return {"missing": True, "poster": None, "soon": [], "days": []}
    movie = item.movie
    original = movie.original_title
    details = t(
        "movie-details",
        title=movie.title_in(t.locale),
        original=f" ({original})" if original and original != movie.title_in(t.locale) else "",
        runtime=movie.runtime_min,
        rating=movie.age_rating or "—",
        genres=", ".join(movie.genres_in(t)) or "—",
        formats="/".join(item.formats),
        languages=", ".join(movie.languages) or "—",
        subtitles=", ".join(movie.subtitles) or "—",
        synopsis=clip(movie.synopsis_in(t.locale), SYNOPSIS_LIMIT),
    )
    zone = svc.policy.zone
    today = svc.catalog.today()
    soon: list[tuple[str, str]] = []
    for offset, word in ((0, t("day-today")), (1, t("day-tomorrow"))):
        for summary in await svc.catalog.showtimes_on(today + timedelta(days=offset), movie_id):
            soon.append((str(summary.showtime.id), _button(summary, t, zone, word)))
    later = [d for d in await svc.catalog.days(movie_id) if d > today + timedelta(days=1)]
    days = [(d.isoformat(), short_day_text(d, t.locale)) for d in later]
    poster = MediaAttachment(type="photo", url=movie.poster) if movie.poster.startswith("http") else None
    return {
        "missing": False,
        "details": details,
        "poster": poster,
        "soon": soon,
        "days": days,
        "has_days": bool(days),
        "nothing_soon": not soon,
    }


async def on_day(callback: CallbackQuery, _w: Any, manager: DialogManager, day: str) -> None:
    try:
        # Only the form the days row renders ("2026-11-25"), not "20261125" or "2026-W48-3".
        canonical = date.fromisoformat(day).isoformat() == day
    except ValueError:
        canonical = False
    if not canonical:
        say(manager, texts(manager)("error-forged"))
        return
    manager.dialog_data["day"] = day
    await manager.switch_to(Booking.showtimes)


async def showtimes_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    t = texts(dialog_manager)
    svc = services(dialog_manager)
    day = date.fromisoformat(dialog_manager.dialog_data["day"])
    summaries = await svc.catalog.showtimes_on(day, dialog_manager.dialog_data.get("movie_id"))
    zone = svc.policy.zone
    return {
        "showtimes": [(str(s.showtime.id), _button(s, t, zone)) for s in summaries],
        "lines": "\n".join(_line(s, t, zone) for s in summaries),
        "day_label": day_label(day, t),
        "empty": not summaries,
    }


async def on_showtime(callback: CallbackQuery, _w: Any, manager: DialogManager, showtime_id: int | None) -> None:
    try:
        if showtime_id is None:
            raise NotFound("not a showtime id", kind="showtime")
        showtime, _, _ = await services(manager).catalog.showtime(showtime_id)
    except NotFound:
        say(manager, texts(manager)("error-forged"))
        return
    # Seats held at another showtime were given up by picking this one.
    svc = services(manager)
    released = await release_holds(svc, callback.from_user.id, keep=showtime_id)
    if released:
        say(manager, await released_text(svc, released, texts(manager)), alert=True)
    manager.dialog_data["showtime_id"] = showtime_id
    # Back from the seats leads where the showtime was picked.
    manager.dialog_data["picked_on"] = manager.current_context().state.state
    manager.dialog_data.pop("view", None)
    await manager.switch_to(Booking.seats)


movies_window = Window(
    T("movies-title"),
    T("movies-empty", when="empty"),
    ScrollingGroup(
        Select(
            Format("{item[1]}"), id="m", item_id_getter=lambda i: i[0], items="movies", on_click=on_movie,
            type_factory=parse_id,  # callback data is untrusted: a bounded id or None
        ),
        id="mp",
        width=1,
        height=MOVIES_PER_PAGE,
        hide_pager=True,  # its own pager below: no dead "1 < 1 > 2" buttons
    ),
    pager("mp"),
    Cancel(T("button-menu")),
    state=Booking.movies,
    getter=movies_getter,
)

movie_window = Window(
    DynamicMedia("poster", when="poster"),
    Format("{details}", when=lambda data, *_: not data.get("missing")),
    T("movie-gone", when="missing"),
    T("movie-no-soon", when=lambda data, *_: not data.get("missing") and data.get("nothing_soon")),
    Column(
        Select(
            Format("{item[1]}"), id="ms", item_id_getter=lambda i: i[0], items="soon", on_click=on_showtime,
            type_factory=parse_id,
        )
    ),
    Group(
        Select(Format("📅 {item[1]}"), id="d", item_id_getter=lambda i: i[0], items="days", on_click=on_day),
        width=DAYS_PER_ROW,
        when="has_days",
    ),
    Back(T("button-back"), id="mb"),
    state=Booking.movie,
    getter=movie_getter,
)

showtimes_window = Window(
    T("showtimes-title", "day_label"),
    Format("{lines}", when=lambda data, *_: not data.get("empty")),
    T("showtimes-empty", when="empty"),
    Column(
        Select(
            Format("{item[1]}"), id="t", item_id_getter=lambda i: i[0], items="showtimes", on_click=on_showtime,
            type_factory=parse_id,
        )
    ),
    Row(Back(T("button-back"), id="tb")),
    state=Booking.showtimes,
    getter=showtimes_getter,
)
