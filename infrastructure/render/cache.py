"""Seat-map pictures rendered once per seat-map state and kept as files.

The file name is the picture's key, so the same state is never drawn twice, and
aiogram-dialog remembers the Telegram file_id of each file it uploaded.

A picture is a nicety beside the seat keyboard: when drawing or keeping one
fails (a bug in the drawing, a full or read-only disk), the seat map goes on
without it. The failure is logged once, as one line, and no picture is tried for
a minute, so a broken disk does not cost every click a failed write and a log line.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from domain.hall import SeatKind
from domain.seatmap import SeatMap, SeatState
from infrastructure.fonts import SANS
from infrastructure.render.block_picture import block_picture_key, render_block_png

log = logging.getLogger(__name__)

MAX_FILES = 2000  # beyond this the oldest half is removed
PAUSE_S = 60.0  # after a failure, no picture is tried for this long

Render = Callable[..., bytes]


class HallPictureCache:
    def __init__(
        self, directory: Path, *, render: Render = render_block_png, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.directory = directory
        self._render = render
        self._clock = clock
        self._paused_until = float("-inf")

    async def path_for(self, seat_map: SeatMap, framed: Any, texts: Any) -> str | None:
        """The picture of ``framed`` (the keyboard's view) as a file, or None
        when it cannot be had now."""
        if self._clock() < self._paused_until:
            return None
        try:
            return await self._path_for(seat_map, framed, texts)
        except Exception as exc:  # any failure: the seat map goes on without it
            self._paused_until = self._clock() + PAUSE_S
            log.warning(
                "seat map pictures off for %.0f s: could not draw or keep one (%s: %s)",
                PAUSE_S, type(exc).__name__, exc,
            )
            return None

    async def _path_for(self, seat_map: SeatMap, framed: Any, texts: Any) -> str:
        options = {
            "screen_label": texts("picture-screen"),
            "legend": {
                SeatState.FREE: texts("picture-free"),
                SeatState.YOURS: texts("picture-yours"),
                SeatState.HELD: texts("picture-held"),
                SeatState.SOLD: texts("picture-sold"),
                SeatKind.VIP: texts("picture-vip"),
                SeatKind.WHEELCHAIR: texts("picture-wheelchair"),
                SeatKind.COUCH: texts("picture-couch"),
            },
            "font_path": SANS,
        }
        key = block_picture_key(seat_map, framed, **options)
        path = self.directory / f"{key}.png"
        if not path.exists():
            png = await asyncio.to_thread(self._render, seat_map, area=framed, **options)
            self.directory.mkdir(parents=True, exist_ok=True)
            # Write then rename: a reader never sees half a file.
            partial = path.with_suffix(f".{os.getpid()}.tmp")
            partial.write_bytes(png)
            partial.replace(path)
            self._prune()
        return str(path)

    def _prune(self) -> None:
        files = list(self.directory.glob("*.png"))
        if len(files) <= MAX_FILES:
            return
        files.sort(key=lambda p: p.stat().st_mtime)
        for old in files[: len(files) // 2]:
            old.unlink(missing_ok=True)
