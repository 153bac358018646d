"""Browsing: now showing (paged), a movie's details, its days and showtimes."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.api.entities import MediaAttachment
from aiogram_dialog.widgets.kbd import Back, Cancel, Column, Row, ScrollingGroup, Select, SwitchTo
from aiogram_dialog.widgets.media import DynamicMedia
from aiogram_dialog.widgets.text import Format

from dialogs.answers import say
from dialogs.context import services, texts
from dialogs.formatting import clip, clock, day_label, money
from dialogs.i18n import T
from dialogs.states import Booking
from domain.errors import NotFound
from domain.links import parse_id

SYNOPSIS_LIMIT = 600  # the details are a caption when there is a poster (1024 max)


async def movies_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    showing = await services(dialog_manager).catalog.now_showing()
    items = [(str(n.movie.id), clip(f"{n.movie.title} · {'/'.join(n.formats)}", 60)) for n in showing]
    return {"movies": items, "empty": not items}


async def on_movie(callback: CallbackQuery, _w: Any, manager: DialogManager, movie_id: int | None) -> None:
    if movie_id is None:  # not an id of ours (parse_id refused it)
        say(manager, texts(manager)("error-forged"))
        return
    manager.dialog_data["movie_id"] = movie_id
    await manager.switch_to(Booking.movie)


async def movie_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    t = texts(dialog_manager)
    svc = services(dialog_manager)
    movie_id = dialog_manager.dialog_data.get("movie_id")
    showing = {n.movie.id: n for n in await svc.catalog.now_showing()}
    item = showing.get(movie_id)
    if item is None:
        return {"missing": True, "poster": None}
    movie = item.movie
    details = t(
        "movie-details",
        title=movie.title,
        original=f" ({movie.original_title})" if movie.original_title and movie.original_title != movie.title else "",
        runtime=movie.runtime_min,
        rating=movie.age_rating or "—",
        genres=", ".join(movie.genres) or "—",
        formats="/".join(item.formats),
        languages=", ".join(movie.languages) or "—",
        subtitles=", ".join(movie.subtitles) or "—",
        synopsis=clip(movie.synopsis, SYNOPSIS_LIMIT),
    )
    poster = MediaAttachment(type="photo", url=movie.poster) if movie.poster.startswith("http") else None
    return {"missing": False, "details": details, "poster": poster}


async def days_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    t = texts(dialog_manager)
    days = await services(dialog_manager).catalog.days(dialog_manager.dialog_data.get("movie_id", 0))
    return {"days": [(d.isoformat(), day_label(d, t)) for d in days], "empty": not days}


async def on_day(callback: CallbackQuery, _w: Any, manager: DialogManager, day: str) -> None:
    try:
        # Only the form the days list renders ("2026-11-25"), not "20261125" or "2026-W48-3".
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
    items = []
    for s in summaries:
        show = s.showtime
        language = show.language.upper() + (f"/{show.subtitles.upper()}" if show.subtitles else "")
        label = t(
            "showtime-button",
            time=clock(show.starts_at, zone),
            format=show.format,
            language=language or "—",
            hall=s.hall_name,
            price=money(show.price_from()),
            left=s.seats_left,
        )
        items.append((str(show.id), clip(label, 60)))
    return {"showtimes": items, "day_label": day_label(day, t), "empty": not items}


async def on_showtime(callback: CallbackQuery, _w: Any, manager: DialogManager, showtime_id: int | None) -> None:
    try:
        if showtime_id is None:
            raise NotFound("not a showtime id", kind="showtime")
        await services(manager).catalog.showtime(showtime_id)
    except NotFound:
        say(manager, texts(manager)("error-forged"))
        return
    manager.dialog_data["showtime_id"] = showtime_id
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
        height=6,
        hide_on_single_page=True,
    ),
    Cancel(T("button-menu")),
    state=Booking.movies,
    getter=movies_getter,
)

movie_window = Window(
    DynamicMedia("poster", when="poster"),
    Format("{details}", when=lambda data, *_: not data.get("missing")),
    T("movie-gone", when="missing"),
    Row(
        Back(T("button-back"), id="mb"),
        SwitchTo(T("button-choose-day"), id="md", state=Booking.days, when=lambda data, *_: not data.get("missing")),
    ),
    state=Booking.movie,
    getter=movie_getter,
)

days_window = Window(
    T("days-title"),
    T("days-empty", when="empty"),
    Column(Select(Format("{item[1]}"), id="d", item_id_getter=lambda i: i[0], items="days", on_click=on_day)),
    Back(T("button-back"), id="db"),
    state=Booking.days,
    getter=days_getter,
)

showtimes_window = Window(
    T("showtimes-title", "day_label"),
    T("showtimes-empty", when="empty"),
    Column(
        Select(
            Format("{item[1]}"), id="t", item_id_getter=lambda i: i[0], items="showtimes", on_click=on_showtime,
            type_factory=parse_id,
        )
    ),
    Back(T("button-back"), id="tb"),
    state=Booking.showtimes,
    getter=showtimes_getter,
)
