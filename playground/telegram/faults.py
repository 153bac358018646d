"""Failures the real Telegram has now and then, switched on at run time
(`PATCH /control/faults`), so a bot can be seen to live through them.

Photos: Telegram sometimes cannot process a picture it is sent and answers
"400 Bad Request: IMAGE_PROCESS_FAILED" (seen), or is slow to take an upload.
`refuse_photos` answers every photo that way (sendPhoto and editMessageMedia; an
upload, a URL or a file_id alike); `photo_delay` holds each photo call that many
seconds before it is handled, so a bot with a shorter timeout gives up while the
photo is still posted afterwards, as with Telegram.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any


@dataclass
class Faults:
    refuse_photos: bool = False
    photo_delay: float = 0.0  # seconds
    photos_refused: int = 0  # counted, not set

    def to_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def update(self, changes: dict[str, Any]) -> None:
        """Apply ``changes``; ValueError (and nothing changed) for an unknown name
        or a wrong value."""
        settable = {"refuse_photos", "photo_delay"}
        for name, value in changes.items():
            if name not in settable:
                raise ValueError(f"unknown fault {name!r}; settable: {', '.join(sorted(settable))}")
            if name == "refuse_photos" and not isinstance(value, bool):
                raise ValueError("refuse_photos must be true or false")
            if name == "photo_delay" and (
                isinstance(value, bool) or not isinstance(value, (int, float))
                or not math.isfinite(value) or not 0 <= value <= 120
            ):
                raise ValueError("photo_delay must be a number of seconds from 0 to 120")
        for name, value in changes.items():
            setattr(self, name, value)
