"""Seat-map pictures kept as files: drawn once per state and block, and when
drawing or keeping one fails, no picture (the seat map goes on), one warning,
and no new try for a while."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from dialogs.seatmap.layout import plan_views
from infrastructure.render import render_block_png
from infrastructure.render.cache import PAUSE_S, HallPictureCache
from tests.unit.test_hall_picture import busy_map, halls, png


def texts(key: str, **_: Any) -> str:
    return key


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Renderer:
    """The real drawing, counted, or a broken one."""

    def __init__(self, broken: bool = False) -> None:
        self.calls = 0
        self.broken = broken

    def __call__(self, *args: Any, **kwargs: Any) -> bytes:
        self.calls += 1
        if self.broken:
            raise ValueError("bad seat geometry")
        return render_block_png(*args, **kwargs)


@pytest.fixture(name="seat_map")
def seat_map_fixture():
    return busy_map(halls()["studio"])


async def test_a_picture_is_drawn_once_per_state_and_block(tmp_path: Path, seat_map) -> None:
    render = Renderer()
    cache = HallPictureCache(tmp_path, render=render)
    views = plan_views(seat_map.hall)
    first = await cache.path_for(seat_map, views[0], texts)
    assert first is not None and png(Path(first).read_bytes()).width > 0
    assert await cache.path_for(seat_map, views[0], texts) == first
    other = await cache.path_for(seat_map, views[1], texts)
    assert other not in (None, first)
    assert render.calls == 2


async def test_a_failed_drawing_gives_no_picture_one_warning_and_a_pause(tmp_path: Path, seat_map, caplog) -> None:
    render, clock = Renderer(broken=True), Clock()
    cache = HallPictureCache(tmp_path, render=render, clock=clock)
    view = plan_views(seat_map.hall)[0]
    with caplog.at_level(logging.WARNING, logger="infrastructure.render.cache"):
        for _ in range(5):
            assert await cache.path_for(seat_map, view, texts) is None
    assert render.calls == 1
    [warning] = caplog.records
    assert warning.levelno == logging.WARNING and "bad seat geometry" in warning.getMessage()
    assert warning.exc_info is None  # one line, no traceback
    # After the pause it tries again, and draws once the drawing works.
    clock.now += PAUSE_S + 1
    render.broken = False
    assert await cache.path_for(seat_map, view, texts) is not None
    assert render.calls == 2


async def test_a_disk_that_cannot_keep_pictures_gives_none(tmp_path: Path, seat_map, caplog) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache's directory should be")
    cache = HallPictureCache(blocker / "halls")
    with caplog.at_level(logging.WARNING, logger="infrastructure.render.cache"):
        assert await cache.path_for(seat_map, plan_views(seat_map.hall)[0], texts) is None
    assert len(caplog.records) == 1
