"""Hall pictures rendered once per seat-map state and kept as files.

The file name is the picture's key, so the same state is never drawn twice, and
aiogram-dialog remembers the Telegram file_id of each file it uploaded.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from domain.hall import SeatKind
from domain.seatmap import SeatMap, SeatState
from infrastructure.fonts import SANS
from infrastructure.render.hall_picture import picture_key, render_hall_png

MAX_FILES = 2000  # beyond this the oldest half is removed


class HallPictureCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def path_for(self, seat_map: SeatMap, framed: Any, texts: Any) -> str:
        options = {
            "screen_label": texts("picture-screen"),
            "legend": {
                SeatState.FREE: texts("picture-free"),
                SeatState.YOURS: texts("picture-yours"),
                SeatState.HELD: texts("picture-held"),
                SeatState.SOLD: texts("picture-sold"),
                SeatKind.VIP: texts("picture-vip"),
                SeatKind.WHEELCHAIR: texts("picture-wheelchair"),
            },
            "font_path": SANS,
            "scale": 2 if seat_map.hall.capacity < 120 else 1,
        }
        key = picture_key(seat_map, framed, **options)
        path = self.directory / f"{key}.png"
        if not path.exists():
            png = await asyncio.to_thread(render_hall_png, seat_map, framed=framed, **options)
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
